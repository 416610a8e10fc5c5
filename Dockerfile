# cchcd on Debian bookworm: build in one stage, run in a slim one with only
# the runtime libraries. The migrations are compiled into the binary.
# tests/deploy/dockerfile_build.sh (ctest label `deploy`) replays the build
# stage without a Docker engine: keep its COPY set and both package lists in
# step with the top-level CMakeLists.txt, or that test fails.
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config libuv1-dev libprotobuf-c-dev \
      protobuf-c-compiler libpq-dev libjansson-dev libcsv-dev libsodium-dev libssl-dev \
      libxlsxwriter-dev libzip-dev libexpat1-dev libutf8proc-dev gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Exactly what CMake reads with CCHC_TESTS=OFF: tests/ is not configured
# then, so it stays out of the image.
COPY CMakeLists.txt ./
COPY cmake cmake
COPY common common
COPY proto proto
COPY server server
COPY client client
COPY bench bench
COPY sql sql
COPY po po
# cmake/packaging.cmake configures the systemd unit and names the install
# files (configuration, operator's guide)
COPY dist dist
COPY docs/operate.md docs/operate.md
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DCCHC_TESTS=OFF \
    && cmake --build /build -j"$(nproc)"

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libuv1 libprotobuf-c1 libpq5 libjansson4 libcsv3 libsodium23 libssl3 \
      libxlsxwriter4 libzip4 libexpat1 libutf8proc2 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home cchc
COPY --from=build /build/server/cchcd /build/client/cchc /usr/local/bin/
# cchc speaks Vietnamese from this catalogue (its default language)
COPY --from=build /build/locale/vi/LC_MESSAGES/cchc.mo /usr/local/share/locale/vi/LC_MESSAGES/
COPY docker/entrypoint.sh /usr/local/bin/cchcd-entrypoint
USER cchc
EXPOSE 7121
ENV CCHC_LISTEN=0.0.0.0:7121
ENTRYPOINT ["/usr/local/bin/cchcd-entrypoint"]
