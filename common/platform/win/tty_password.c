/* tty_password.h on Windows: the console API in place of termios. The
 * console is opened as CONIN$/CONOUT$ (the Windows /dev/tty), echo is
 * turned off by clearing ENABLE_ECHO_INPUT, and the line is read as
 * UTF-16 with ReadConsoleW, so a Vietnamese password arrives whatever the
 * console's code page, then converted to UTF-8 at this boundary. While
 * echo is off a console control handler restores the mode first if the
 * clerk presses Ctrl-C or closes the window, then lets Windows end the
 * program as it would have (the POSIX file does the same with signals). */
#include "tty_password.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "plat_console.h"
#include "wide_text.h"

/* What the control handler restores; set before it is installed. */
static HANDLE restore_handle = INVALID_HANDLE_VALUE;
static DWORD restore_mode;

static BOOL WINAPI restore_console(DWORD event)
{
    (void)event;
    if (restore_handle != INVALID_HANDLE_VALUE)
        SetConsoleMode(restore_handle, restore_mode);
    return FALSE; /* the default handler ends the program */
}

static int read_line(FILE *in, char *out, size_t size)
{
    if (!fgets(out, (int)size, in))
        return -1;
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return 0;
}

static void console_write(HANDLE out, const char *text)
{
    wchar_t *wide = utf8_to_wide(text);
    DWORD written;
    if (wide)
        WriteConsoleW(out, wide, (DWORD)wcslen(wide), &written, NULL);
    free(wide);
}

/* One line from the console as UTF-8 into out; the wide copy is wiped. */
static int console_read_line(HANDLE in, char *out, size_t size)
{
    wchar_t wide[512];
    DWORD got = 0;
    if (!ReadConsoleW(in, wide, (DWORD)(sizeof(wide) / sizeof(wide[0]) - 1), &got, NULL) ||
        got == 0)
        return -1;
    while (got > 0 && (wide[got - 1] == L'\n' || wide[got - 1] == L'\r'))
        got--;
    wide[got] = L'\0';
    int rc = wide_to_utf8(wide, out, size);
    SecureZeroMemory(wide, sizeof(wide));
    return rc;
}

static HANDLE open_console(const wchar_t *name)
{
    return CreateFileW(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                       NULL, OPEN_EXISTING, 0, NULL);
}

/* Prompts on the console and reads a line, echo on or off. */
static int console_prompt(const char *prompt, char *out, size_t size, int echo)
{
    HANDLE in = open_console(L"CONIN$");
    HANDLE con = open_console(L"CONOUT$");
    int rc = -1;
    DWORD saved;
    if (in == INVALID_HANDLE_VALUE || con == INVALID_HANDLE_VALUE || !GetConsoleMode(in, &saved))
        goto done;
    if (!echo) {
        restore_mode = saved;
        restore_handle = in;
        SetConsoleCtrlHandler(restore_console, TRUE);
        SetConsoleMode(in, (saved | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT) &
                               ~(DWORD)ENABLE_ECHO_INPUT);
    }
    console_write(con, prompt);
    rc = console_read_line(in, out, size);
    if (!echo) {
        SetConsoleMode(in, saved);
        SetConsoleCtrlHandler(restore_console, FALSE);
        restore_handle = INVALID_HANDLE_VALUE;
        console_write(con, "\n"); /* the Enter that was not echoed */
    }
done:
    if (in != INVALID_HANDLE_VALUE)
        CloseHandle(in);
    if (con != INVALID_HANDLE_VALUE)
        CloseHandle(con);
    return rc;
}

int read_password(const char *prompt, char *out, size_t size)
{
    if (!plat_is_terminal(stdin))
        return read_line(stdin, out, size);
    return console_prompt(prompt, out, size, 0);
}

int read_terminal_line(const char *prompt, char *out, size_t size)
{
    return console_prompt(prompt, out, size, 1);
}
