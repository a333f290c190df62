// SPDX-License-Identifier: GPL-2.0
/*
 * User-space page set of a ring pair: a memfd holds both rings (outbound
 * first), and each ring is mapped as
 *
 *   [header page][data area][the same data area again]
 *
 * by mapping the memfd twice, the user-space analogue of the kernel's vmap
 * in vmbus/ring_alloc.c.
 */
#include <sys/mman.h>
#include <unistd.h>
#include "../vmbus/ring.h"

static bool ring_size_ok(u32 size)
{
	return size >= 2 * HVG_RING_HDR_SIZE && !(size % HVG_RING_HDR_SIZE) &&
	       size <= (1u << 30);
}

/* Map the ring at @off in @fd; returns the mapping or NULL. */
static void *ring_map(int fd, off_t off, u32 size, size_t *maplen)
{
	size_t data = size - HVG_RING_HDR_SIZE, len = size + data;
	u8 *va;

	/* Reserve the whole range first, then map the memfd over it twice. */
	va = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (va == MAP_FAILED)
		return NULL;
	if (mmap(va, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, off) == MAP_FAILED ||
	    mmap(va + size, data, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd,
		 off + HVG_RING_HDR_SIZE) == MAP_FAILED) {
		munmap(va, len);
		return NULL;
	}
	*maplen = len;
	return va;
}

int hvg_ring_pair_alloc(struct hvg_ring_pair *pair, u32 out_size,
			u32 in_size)
{
	int err;

	memset(pair, 0, sizeof(*pair));
	pair->memfd = -1;
	if (sysconf(_SC_PAGESIZE) != HVG_RING_HDR_SIZE ||
	    !ring_size_ok(out_size) || !ring_size_ok(in_size))
		return -EINVAL;
	pair->memfd = memfd_create("hvg_ring", MFD_CLOEXEC);
	if (pair->memfd < 0)
		goto err_nomem;
	if (ftruncate(pair->memfd, (off_t)out_size + in_size))
		goto err_nomem;
	pair->out_va = ring_map(pair->memfd, 0, out_size, &pair->out_map);
	if (!pair->out_va)
		goto err_nomem;
	pair->in_va = ring_map(pair->memfd, out_size, in_size, &pair->in_map);
	if (!pair->in_va)
		goto err_nomem;

	err = hvg_ring_pair_init(pair, out_size, in_size);
	if (err)
		hvg_ring_pair_free(pair);
	return err;

err_nomem:
	hvg_ring_pair_free(pair);
	return -ENOMEM;
}

void hvg_ring_pair_free(struct hvg_ring_pair *pair)
{
	if (pair->in_va)
		munmap(pair->in_va, pair->in_map);
	if (pair->out_va)
		munmap(pair->out_va, pair->out_map);
	if (pair->memfd >= 0)
		close(pair->memfd);
	memset(pair, 0, sizeof(*pair));
	pair->memfd = -1;
}
