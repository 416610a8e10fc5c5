/* plat_console.h on POSIX: isatty and TIOCGWINSZ; a terminal already
 * speaks the locale's UTF-8, so there is nothing to set up. */
#include "plat_console.h"

#include <sys/ioctl.h>
#include <unistd.h>

void plat_console_init(void)
{
}

int plat_is_terminal(FILE *stream)
{
    return isatty(fileno(stream));
}

int plat_terminal_columns(FILE *stream)
{
    struct winsize ws;
    if (plat_is_terminal(stream) && ioctl(fileno(stream), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}
