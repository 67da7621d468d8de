/*
** main.c -- the tegn command line. The only place that prints or exits.
*/
#include <stdio.h>
#include <string.h>

#include "tegn.h"

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("tegn %s\n", TG_VERSION_STRING);
        return 0;
    }
    fprintf(stderr, "usage: tegn --version\n");
    return 64;
}
