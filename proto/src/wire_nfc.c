/* See wire_nfc.h. */
#include "wire_nfc.h"

#include <stdlib.h>
#include <string.h>

#include "text_fold.h"

/* One string slot: replaced when its text is not NFC. */
static int visit_string(char **slot, wire_nfc_store_fn store, void *ctx)
{
    const char *s = *slot;
    if (!s || text_is_nfc(s))
        return 0;
    char *nfc = text_nfc(s);
    if (!nfc)
        return 0; /* not UTF-8: the wire check's to refuse, not ours to change */
    int rc = store(ctx, slot, nfc, strlen(nfc));
    free(nfc);
    return rc == 0 ? 1 : -1;
}

static int walk(ProtobufCMessage *msg, wire_nfc_store_fn store, void *ctx, int depth)
{
    if (!msg || depth > 32)
        return 0;
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    char *base = (char *)msg;
    int replaced = 0;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        /* a oneof's members share one slot: only the chosen one is there */
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            *(const uint32_t *)(base + f->quantifier_offset) != f->id)
            continue;
        size_t n = 1;
        void **items = (void **)(base + f->offset);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            n = *(const size_t *)(base + f->quantifier_offset);
            items = *(void ***)(base + f->offset);
            if (!items)
                continue;
        }
        for (size_t k = 0; k < n; k++) {
            int r = f->type == PROTOBUF_C_TYPE_STRING
                        ? visit_string((char **)&items[k], store, ctx)
                        : walk(items[k], store, ctx, depth + 1);
            if (r < 0)
                return -1;
            replaced += r;
        }
    }
    return replaced;
}

int wire_nfc_message(ProtobufCMessage *msg, wire_nfc_store_fn store, void *ctx)
{
    return walk(msg, store, ctx, 0);
}

int wire_nfc_store_malloc(void *ctx, char **slot, const char *nfc, size_t len)
{
    (void)ctx;
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, nfc, len + 1);
    free(*slot);
    *slot = copy;
    return 0;
}
