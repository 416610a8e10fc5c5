/* plat_args.h on POSIX: the arguments already are the bytes typed. */
#include "plat_args.h"

void plat_utf8_args(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}
