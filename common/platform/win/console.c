/* plat_console.h on Windows. The standard streams are made binary so
 * cchc writes the same bytes as on Linux. A console is recognised by GetConsoleMode
 * succeeding on the stream's handle: _isatty is also true for NUL and
 * serial ports, which are not terminals anyone reads. */
#include "plat_console.h"

#include <fcntl.h>
#include <io.h>
#include <windows.h>

#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif

static HANDLE handle_of(FILE *stream)
{
    intptr_t h = _get_osfhandle(_fileno(stream));
    return h == -1 ? INVALID_HANDLE_VALUE : (HANDLE)h;
}

/* Colour escapes are understood by Windows 10's console once asked; an
 * older console refuses and cchc's colour codes print as text, so
 * NO_COLOR is then the clerk's remedy (docs/portability.md). */
static void enable_escapes(HANDLE h)
{
    DWORD mode;
    if (h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode))
        SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
}

void plat_console_init(void)
{
    /* bytes as written, as on Unix: a CSV template on stdout keeps its
     * CRLF (text mode would make it CR CR LF) and --json its LF; the
     * console itself starts a new line at LF */
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
    SetConsoleOutputCP(CP_UTF8);
    SetConsoleCP(CP_UTF8);
    enable_escapes(GetStdHandle(STD_OUTPUT_HANDLE));
    enable_escapes(GetStdHandle(STD_ERROR_HANDLE));
}

int plat_is_terminal(FILE *stream)
{
    DWORD mode;
    HANDLE h = handle_of(stream);
    return h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

int plat_terminal_columns(FILE *stream)
{
    CONSOLE_SCREEN_BUFFER_INFO info;
    HANDLE h = handle_of(stream);
    if (h == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(h, &info))
        return 0;
    int columns = info.srWindow.Right - info.srWindow.Left + 1;
    return columns > 0 ? columns : 0;
}
