/* The system's CAs on Windows: the certificates of the "ROOT" system store
 * (what Windows and its administrators trust), copied into OpenSSL's
 * store, since OpenSSL has no CA folder of its own there (tls_roots.h). */
/* windows.h first: OpenSSL's headers then undo wincrypt.h's X509_NAME */
#include <windows.h>
#include <wincrypt.h>

#include "tls_roots.h"

#include <openssl/err.h>
#include <openssl/x509.h>

int tls_load_system_roots(SSL_CTX *ctx)
{
    HCERTSTORE system = CertOpenSystemStoreW(0, L"ROOT");
    if (!system) {
        ERR_raise_data(ERR_LIB_SYS, (int)GetLastError(), "CertOpenSystemStoreW(ROOT)");
        return 0;
    }
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    const CERT_CONTEXT *cert = NULL;
    while ((cert = CertEnumCertificatesInStore(system, cert)) != NULL) {
        if (cert->dwCertEncodingType != X509_ASN_ENCODING)
            continue;
        const unsigned char *der = cert->pbCertEncoded;
        X509 *x509 = d2i_X509(NULL, &der, (long)cert->cbCertEncoded);
        if (!x509)
            continue; /* one certificate OpenSSL cannot read is no reason to trust none */
        X509_STORE_add_cert(store, x509); /* a duplicate is not an error worth reporting */
        X509_free(x509);
    }
    ERR_clear_error(); /* what the skipped certificates left */
    CertCloseStore(system, 0);
    return 1;
}
