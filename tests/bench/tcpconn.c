// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconn FD N: N TCP connections to the listening socket FD (inherited
 * from make bench, in another namespace), each with a request and its
 * answer, the client closing first; prints "conn_per_s RATE".
 *
 * Every step of a connection is an io_uring request, and a batch of
 * connections is one linked chain, handed to the kernel with one system
 * call: socket, connect, accept, send "hello", receive it, send "ok",
 * receive it, close the client, close the server's end, then the next
 * connection.  The sockets are direct descriptors (two slots, reused by
 * each connection), so no file descriptor table is touched.  Under
 * User-Mode Linux each system call is a ptrace stop of the host, which
 * costs several times the network stack's work for a connection (make
 * bench measured 185 us a connection, nearly all of it system calls, when
 * each step was one); here the figure is the kernel's work.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BATCH		32	/* connections per system call */
#define STEPS		9	/* requests per connection */
#define ENTRIES		512	/* >= BATCH * STEPS */
#define SLOT_C		0	/* the client's direct descriptor */
#define SLOT_S		1	/* the server's */

struct ring {
	int fd;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned int tail;
};

static void die(const char *what)
{
	fprintf(stderr, "tcpconn: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void ring_init(struct ring *r)
{
	struct io_uring_params p = { .flags = IORING_SETUP_COOP_TASKRUN };
	int files[2] = { -1, -1 };
	void *sq, *cq;

	r->fd = syscall(__NR_io_uring_setup, ENTRIES, &p);
	if (r->fd < 0)
		die("io_uring_setup");
	if (!(p.features & IORING_FEAT_SINGLE_MMAP))
		die("io_uring without a single mmap");
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned int) +
		  p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		die("mmap");
	cq = sq;
	r->sq_tail = sq + p.sq_off.tail;
	r->sq_mask = sq + p.sq_off.ring_mask;
	r->sq_array = sq + p.sq_off.array;
	r->cq_head = cq + p.cq_off.head;
	r->cq_tail = cq + p.cq_off.tail;
	r->cq_mask = cq + p.cq_off.ring_mask;
	r->cqes = cq + p.cq_off.cqes;
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		die("mmap");
	r->tail = *r->sq_tail;
	if (syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_FILES,
		    files, 2) < 0)
		die("io_uring_register");
}

static struct io_uring_sqe *sqe_get(struct ring *r, uint8_t op, int fd)
{
	unsigned int i = r->tail++ & *r->sq_mask;
	struct io_uring_sqe *sqe = &r->sqes[i];

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->flags = IOSQE_IO_LINK;
	sqe->user_data = op;	/* | the bytes it must give << 8 */
	r->sq_array[i] = i;
	return sqe;
}

/*
 * Send @msg from the socket in slot @from, and receive it at slot @to,
 * which must get all of it.
 */
static void sqe_message(struct ring *r, int from, int to, const char *msg)
{
	static char buf[16];
	struct io_uring_sqe *sqe;

	sqe = sqe_get(r, IORING_OP_SEND, from);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->addr = (uintptr_t)msg;
	sqe->len = strlen(msg);
	sqe = sqe_get(r, IORING_OP_RECV, to);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->addr = (uintptr_t)buf;
	sqe->len = sizeof(buf);
	sqe->user_data |= strlen(msg) << 8;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	unsigned int done = 0, n, i, k, head;
	struct timespec t0, t1;
	struct io_uring_sqe *sqe = NULL;
	struct ring r;
	int lfd, want;
	double s;

	if (argc != 3) {
		fprintf(stderr, "usage: tcpconn FD N\n");
		return 2;
	}
	lfd = atoi(argv[1]);
	n = strtoul(argv[2], NULL, 0);
	if (getsockname(lfd, (struct sockaddr *)&sin, &len))
		die("getsockname");
	ring_init(&r);
	alarm(60);	/* a connection that hangs fails the run */

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (done < n) {
		unsigned int batch = n - done < BATCH ? n - done : BATCH;

		for (k = 0; k < batch; k++) {
			sqe = sqe_get(&r, IORING_OP_SOCKET, AF_INET);
			sqe->off = SOCK_STREAM;
			sqe->file_index = SLOT_C + 1;
			sqe = sqe_get(&r, IORING_OP_CONNECT, SLOT_C);
			sqe->flags |= IOSQE_FIXED_FILE;
			sqe->addr = (uintptr_t)&sin;
			sqe->off = sizeof(sin);
			sqe = sqe_get(&r, IORING_OP_ACCEPT, lfd);
			sqe->file_index = SLOT_S + 1;
			sqe_message(&r, SLOT_C, SLOT_S, "hello");
			sqe_message(&r, SLOT_S, SLOT_C, "ok");
			sqe = sqe_get(&r, IORING_OP_CLOSE, 0);
			sqe->file_index = SLOT_C + 1;
			sqe = sqe_get(&r, IORING_OP_CLOSE, 0);
			sqe->file_index = SLOT_S + 1;
		}
		sqe->flags &= ~IOSQE_IO_LINK;	/* the chain ends */
		__atomic_store_n(r.sq_tail, r.tail, __ATOMIC_RELEASE);
		if (syscall(__NR_io_uring_enter, r.fd, batch * STEPS,
			    batch * STEPS, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
			die("io_uring_enter");

		head = *r.cq_head;
		for (i = 0; i < batch * STEPS; i++) {
			struct io_uring_cqe *cqe;

			if (head == __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE))
				die("too few completions");
			cqe = &r.cqes[head++ & *r.cq_mask];
			want = cqe->user_data >> 8;
			if (cqe->res < 0 || (want && cqe->res != want)) {
				fprintf(stderr, "tcpconn: connection %u: io_uring op %u: %s\n",
					done + i / STEPS,
					(unsigned int)(cqe->user_data & 0xff),
					cqe->res < 0 ? strerror(-cqe->res) :
					"short");
				return 1;
			}
		}
		__atomic_store_n(r.cq_head, head, __ATOMIC_RELEASE);
		done += batch;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("conn_per_s %.1f\n", n / s);
	return 0;
}
