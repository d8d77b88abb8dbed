/*
 * cmd_serve.c - `pairaid serve`: the HTTP API and web pages until SIGINT or
 * SIGTERM, which let the requests in flight finish and close the database
 * cleanly.  One JSON access-log line per request goes to stdout; the rest to
 * stderr.  The options are docs/operations.md's:
 *
 *   --listen ADDR:PORT --threads N --session-hours N --trusted-proxy ADDR
 *   --max-per-address N --header-timeout S --request-timeout S --upload-limit MB
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

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
    char shown[512];
    if (pa_pg_uri(config->db_path))
        pa_pg_shown(config->db_path, shown, sizeof(shown));
    else
        snprintf(shown, sizeof(shown), "%s", config->db_path);
    fprintf(stderr, "pairaid: serving %s on http://%s:%u/ (Ctrl-C stops)\n", shown,
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

static int parse_address(const char *arg, char *out, size_t size)
{
    unsigned char bin[16];
    if (strlen(arg) >= size ||
        (inet_pton(AF_INET, arg, bin) != 1 && inet_pton(AF_INET6, arg, bin) != 1))
        return pa_cli_usage("--trusted-proxy takes one IP address, like 127.0.0.1");
    snprintf(out, size, "%s", arg);
    return 0;
}

#define USAGE                                                                                      \
    "usage: pairaid serve [--listen ADDR:PORT] [--threads N] [--session-hours N] "                 \
    "[--trusted-proxy ADDR] [--max-per-address N] [--header-timeout S] [--request-timeout S] "     \
    "[--upload-limit MB]"

struct serve_args {
    char address[64], proxy[64];
    long hours, threads, per_address, header_s, request_s, upload_mb;
};

static int parse(struct pa_cli *cli, int argc, char **argv, struct serve_args *a,
                 struct pa_server_config *config)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"listen", required_argument, NULL, 'l'},
                                            {"session-hours", required_argument, NULL, 's'},
                                            {"threads", required_argument, NULL, 't'},
                                            {"trusted-proxy", required_argument, NULL, 'p'},
                                            {"max-per-address", required_argument, NULL, 'm'},
                                            {"header-timeout", required_argument, NULL, 'h'},
                                            {"request-timeout", required_argument, NULL, 'r'},
                                            {"upload-limit", required_argument, NULL, 'u'},
                                            {0, 0, 0, 0}};
    int opt, bad = 0;
    while (!bad && (opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'l')
            bad = parse_listen(optarg, a->address, sizeof(a->address), &config->port);
        else if (opt == 's')
            bad = parse_count(optarg, "--session-hours", 24 * 30, &a->hours);
        else if (opt == 't')
            bad = parse_count(optarg, "--threads", 64, &a->threads);
        else if (opt == 'p')
            bad = parse_address(optarg, a->proxy, sizeof(a->proxy));
        else if (opt == 'm')
            bad = parse_count(optarg, "--max-per-address", 1000, &a->per_address);
        else if (opt == 'h')
            bad = parse_count(optarg, "--header-timeout", 3600, &a->header_s);
        else if (opt == 'r')
            bad = parse_count(optarg, "--request-timeout", 24 * 3600, &a->request_s);
        else if (opt == 'u')
            bad = parse_count(optarg, "--upload-limit", 4096, &a->upload_mb);
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            bad = 1;
    }
    if (bad)
        return -1;
    if (optind != argc)
        return pa_cli_usage(USAGE), -1;
    return 0;
}

int cmd_serve(struct pa_cli *cli, int argc, char **argv)
{
    struct serve_args a = {.address = "127.0.0.1", .hours = 8, .threads = 16};
    struct pa_server_config config = {
        .port = 8080, .on_ready = on_ready, .access_log = access_line};
    if (parse(cli, argc, argv, &a, &config) != 0)
        return PA_EXIT_INPUT;
    config.db_path = cli->db_path;
    config.address = a.address;
    config.threads = (unsigned)a.threads;
    config.session_seconds = a.hours * 3600;
    config.trusted_proxy = a.proxy[0] ? a.proxy : NULL;
    config.per_address = (unsigned)a.per_address;
    config.header_seconds = (unsigned)a.header_s;
    config.request_seconds = (unsigned)a.request_s;
    config.upload_bytes = (int64_t)a.upload_mb << 20;
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
