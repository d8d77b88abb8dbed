/*
 * cmd_serve.c - `pairaid serve [--listen ADDR:PORT] [--session-hours N] [--threads N]`:
 * the HTTP API and web pages until SIGINT or SIGTERM, which let the requests in
 * flight finish and close the database cleanly.  One JSON access-log line per
 * request goes to stdout; the rest to stderr.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pairaid/http.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void on_ready(unsigned short port, void *ctx)
{
    const struct pa_server_config *config = ctx;
    fprintf(stderr, "pairaid: serving %s on http://%s:%u/ (Ctrl-C stops)\n", config->db_path,
            config->address, port);
}

static void access_line(const char *line, void *ctx)
{
    (void)ctx;
    printf("%s\n", line);
    fflush(stdout);
}

static int parse_listen(const char *arg, char *address, size_t size, unsigned short *port)
{
    const char *colon = strrchr(arg, ':');
    char *end;
    long p = colon ? strtol(colon + 1, &end, 10) : -1;
    if (colon == NULL || colon == arg || *end != '\0' || colon[1] == '\0' || p < 0 || p > 65535 ||
        (size_t)(colon - arg) >= size)
        return pa_cli_usage("--listen takes ADDRESS:PORT, like 127.0.0.1:8080");
    snprintf(address, size, "%.*s", (int)(colon - arg), arg);
    *port = (unsigned short)p;
    return 0;
}

static int parse_count(const char *arg, const char *option, long max, long *out)
{
    char *end;
    *out = strtol(arg, &end, 10);
    if (*end != '\0' || arg[0] == '\0' || *out < 1 || *out > max)
        return pa_cli_usage("%s takes a whole number from 1 to %ld", option, max);
    return 0;
}

int cmd_serve(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"listen", required_argument, NULL, 'l'},
                                            {"session-hours", required_argument, NULL, 's'},
                                            {"threads", required_argument, NULL, 't'},
                                            {0, 0, 0, 0}};
    char address[64] = "127.0.0.1";
    struct pa_server_config config = {
        .port = 8080, .on_ready = on_ready, .access_log = access_line};
    long hours = 8, threads = 16;
    int opt, bad = 0;
    while (!bad && (opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'l')
            bad = parse_listen(optarg, address, sizeof(address), &config.port);
        else if (opt == 's')
            bad = parse_count(optarg, "--session-hours", 24 * 30, &hours);
        else if (opt == 't')
            bad = parse_count(optarg, "--threads", 64, &threads);
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            bad = 1;
    }
    if (bad)
        return PA_EXIT_INPUT;
    if (optind != argc)
        return pa_cli_usage("usage: pairaid serve [--listen ADDR:PORT] [--session-hours N] "
                            "[--threads N]");
    config.db_path = cli->db_path;
    config.address = address;
    config.threads = (unsigned)threads;
    config.session_seconds = hours * 3600;
    config.ctx = &config;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct pa_error err;
    pa_error_clear(&err);
    if (pa_server_run(&config, &stop_requested, &err) != 0)
        return pa_cli_fail(&err);
    fprintf(stderr, "pairaid: stopped\n");
    return PA_EXIT_OK;
}
