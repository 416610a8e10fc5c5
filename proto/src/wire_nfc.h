/* Text normalised once, at the edge: one pass over a protobuf-c message
 * (every string field, repeated string and nested message, found through
 * the descriptors, so a field added later is covered without a line here)
 * that replaces each string not in NFC by its NFC form. The client runs it
 * on every request it sends, the server on every request it decodes, so
 * "đang" typed in NFD on macOS and in NFC on Windows arrive, are checked
 * and are stored as the same bytes. Invalid UTF-8 is left alone: the wire
 * check refuses it with its own clear error. */
#ifndef CCHC_WIRE_NFC_H
#define CCHC_WIRE_NFC_H

#include <protobuf-c/protobuf-c.h>

/* Installs nfc (NUL-terminated, len bytes) in *slot, copying it into
 * memory that belongs with the message (the allocator it was decoded
 * with, or the caller's undo log). Returns 0, or -1 when memory ran out. */
typedef int (*wire_nfc_store_fn)(void *ctx, char **slot, const char *nfc, size_t len);

/* Replaces every string of msg that is not NFC through store. Returns how
 * many were replaced, or -1 when memory ran out (some may be replaced). */
int wire_nfc_message(ProtobufCMessage *msg, wire_nfc_store_fn store, void *ctx);

/* A store for messages unpacked with protobuf-c's default allocator (the
 * server's decode): the old string is freed, the new one malloc'd, so
 * free_unpacked frees it as its own. */
int wire_nfc_store_malloc(void *ctx, char **slot, const char *nfc, size_t len);

#endif
