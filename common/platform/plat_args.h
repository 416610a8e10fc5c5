/* The command line in UTF-8. POSIX hands main its arguments as the bytes
 * typed; Windows hands main its arguments in the ANSI code page, where
 * Vietnamese letters of a file name or a return reason are lost, so on
 * Windows they are read again as UTF-16 (GetCommandLineW) and converted.
 * unix/args.c, win/args.c. */
#ifndef CCHC_PLAT_ARGS_H
#define CCHC_PLAT_ARGS_H

/* First thing in main: *argv becomes the arguments in UTF-8 (unchanged
 * on POSIX; on Windows a new array that lives until the program ends).
 * When they cannot be read again the old ones stay. */
void plat_utf8_args(int *argc, char ***argv);

#endif
