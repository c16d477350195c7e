// The libbpf oracle for map definitions: opens a BPF object the way a loader
// would, without loading it (no privileges, no kernel), and prints what
// libbpf understood of each map, one JSON object per line:
// {"name", "internal", "type", "key_size", "value_size", "max_entries",
//  "map_flags", "numa_node", "map_extra", "pinned", "btf_key_type_id",
//  "btf_value_type_id", "inner": {...}}.
// Usage: libbpf-maps FILE [OFFSET LENGTH NAME]: with an offset, the object
// is read from inside FILE (a skeleton's embedded copy) via
// bpf_object__open_mem, named NAME as the skeleton names it.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	// Warnings go to stderr so the test can show them when libbpf refuses.
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void print_map(struct bpf_map *map)
{
	struct bpf_map *inner;

	printf("{\"name\":\"%s\",\"internal\":%s,\"type\":%u,\"key_size\":%u,\"value_size\":%u,"
	       "\"max_entries\":%u,\"map_flags\":%u,\"numa_node\":%u,\"map_extra\":\"%llu\","
	       "\"pinned\":%s,\"btf_key_type_id\":%u,\"btf_value_type_id\":%u",
	       bpf_map__name(map), bpf_map__is_internal(map) ? "true" : "false",
	       (unsigned)bpf_map__type(map), bpf_map__key_size(map), bpf_map__value_size(map),
	       bpf_map__max_entries(map), bpf_map__map_flags(map), bpf_map__numa_node(map),
	       (unsigned long long)bpf_map__map_extra(map),
	       bpf_map__pin_path(map) ? "true" : "false",
	       bpf_map__btf_key_type_id(map), bpf_map__btf_value_type_id(map));
	inner = bpf_map__inner_map(map);
	if (inner) {
		printf(",\"inner\":");
		print_map(inner);
	}
	printf("}");
}

static void *read_range(const char *path, long offset, long length)
{
	FILE *f = fopen(path, "rb");
	void *buf = malloc(length);

	if (!f || !buf || fseek(f, offset, SEEK_SET) || fread(buf, 1, length, f) != (size_t)length) {
		fprintf(stderr, "%s: cannot read %ld bytes at %ld\n", path, length, offset);
		exit(2);
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_map *map;

	if (argc != 2 && argc != 5) {
		fprintf(stderr, "usage: %s FILE [OFFSET LENGTH NAME]\n", argv[0]);
		return 2;
	}
	libbpf_set_print(quiet);
	if (argc == 5) {
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = argv[4]);
		long length = atol(argv[3]);
		void *buf = read_range(argv[1], atol(argv[2]), length);

		obj = bpf_object__open_mem(buf, length, &opts);
	} else {
		obj = bpf_object__open_file(argv[1], NULL);
	}
	if (!obj) {
		fprintf(stderr, "%s: libbpf cannot open: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(map, obj) {
		print_map(map);
		printf("\n");
	}
	bpf_object__close(obj);
	return 0;
}
