/* The reference for guardpost's YAML throughput: libyaml's event parser alone, pulling every event of
 * a file and doing nothing with it (no tree, no scalars resolved). Built by scripts/bench.sh:
 *     cc -O2 -o .bench-data/bin/yaml-events bench/yaml_events.c $(pkg-config --cflags --libs yaml-0.1)
 * Usage: yaml-events FILE   -> prints "<events> events, <bytes> bytes" on stdout; exit 1 on a parse error. */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s FILE\n", argv[0]); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(size > 0 ? (size_t)size : 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) { fprintf(stderr, "cannot read %s\n", argv[1]); return 2; }
    fclose(f);

    yaml_parser_t parser;
    yaml_event_t event;
    if (!yaml_parser_initialize(&parser)) { fprintf(stderr, "cannot initialize libyaml\n"); return 2; }
    yaml_parser_set_input_string(&parser, buf, (size_t)size);
    long events = 0;
    int done = 0;
    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s:%lu:%lu: %s\n", argv[1], (unsigned long)parser.problem_mark.line + 1,
                    (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "parse error");
            return 1;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        events++;
    }
    yaml_parser_delete(&parser);
    free(buf);
    printf("%ld events, %ld bytes\n", events, size);
    return 0;
}
