/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The cross-process wire's sockets (qpring_xproc_proto.h): the
 * SOCK_SEQPACKET listener and connector (file system or abstract paths,
 * stale socket files replaced), the channel that sends and receives one
 * encoded message with its SCM_RIGHTS fd, and the handshake checks.
 * Encoding and decoding are qpring_xproc_proto.c's; nothing here keeps
 * connection state beyond one call.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4, MSG_CMSG_CLOEXEC */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "qpring_xproc_proto.h"
#include "qpring_xproc_util.h"

/* ------------------------------------------------------------ sockets */
static int
xp_addr(const char *path, struct sockaddr_un *sa, socklen_t *salen, char *why, size_t why_len)
{
	size_t n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	*salen = 0;
	if (path == NULL || path[0] == '\0')
		return xp_fail(why, why_len, -EINVAL, "empty socket path");
	n = strlen(path);
	if (path[0] == '@') {
		/* Abstract: sun_path[0] = 0, then the name (not NUL-terminated). */
		if (n == 1 || n > sizeof(sa->sun_path))
			return xp_fail(why, why_len, n == 1 ? -EINVAL : -ENAMETOOLONG,
				       "abstract socket name %s: 1..%zu bytes after '@'", path,
				       sizeof(sa->sun_path) - 1);
		memcpy(sa->sun_path + 1, path + 1, n - 1);
		*salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
		return 0;
	}
	if (n >= sizeof(sa->sun_path))
		return xp_fail(why, why_len, -ENAMETOOLONG, "socket path %s is %zu bytes; a Unix "
			       "socket path holds at most %zu (sun_path)", path, n,
			       sizeof(sa->sun_path) - 1);
	memcpy(sa->sun_path, path, n);
	*salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

static int
xp_socket(void)
{
	return socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

/* Does a live socket answer at @sa? 1 live, 0 nobody listens, -errno. */
static int
xp_probe_live(const struct sockaddr_un *sa, socklen_t salen)
{
	int fd = xp_socket();
	int ret;

	if (fd < 0)
		return -errno;
	/* Connected, backlog full, or a socket of another type: someone is there. */
	if (connect(fd, (const struct sockaddr *)sa, salen) == 0 || errno == EAGAIN ||
	    errno == EPROTOTYPE)
		ret = 1;
	else if (errno == ECONNREFUSED)
		ret = 0;
	else
		ret = -errno;
	xp_close(fd);
	return ret;
}

/* Does the directory part of @path exist (as a directory)? */
static bool
xp_dir_exists(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	const char *slash = strrchr(path, '/');
	struct stat st;
	size_t n;

	if (slash == NULL)
		return true; /* the working directory */
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof(dir))
		return false;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
xp_bind_error(const char *path, int err, char *why, size_t why_len)
{
	switch (err) {
	case EACCES:
	case EPERM:
	case EROFS:
		return xp_fail(why, why_len, -EACCES, "cannot create socket %s: permission denied "
			       "(%s)", path, strerror(err));
	case ENOENT:
	case ENOTDIR:
		if (xp_dir_exists(path))
			return xp_fail(why, why_len, -EACCES, "cannot create socket %s: its "
				       "directory does not take sockets (%s)", path,
				       strerror(err));
		return xp_fail(why, why_len, -ENOENT, "cannot create socket %s: its directory "
			       "does not exist", path);
	default:
		return xp_fail(why, why_len, -err, "cannot bind socket %s: %s", path,
			       strerror(err));
	}
}

int
qp_xproc_listen(struct qp_xproc_listener *l, const char *path, char *why, size_t why_len)
{
	struct sockaddr_un sa;
	struct stat st;
	socklen_t salen;
	int fd, ret, live;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	ret = xp_addr(path, &sa, &salen, why, why_len);
	if (ret != 0)
		return ret;
	fd = xp_socket();
	if (fd < 0)
		return xp_fail(why, why_len, -errno, "socket(AF_UNIX, SOCK_SEQPACKET): %s",
			       strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, salen) != 0) {
		if (errno != EADDRINUSE) {
			ret = xp_bind_error(path, errno, why, why_len);
			goto err_close;
		}
		/* Taken: an abstract name is always live (it vanishes with its
		 * holder); a file may be a live socket, a stale one, or no socket.
		 */
		if (path[0] != '@') {
			if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
				ret = xp_fail(why, why_len, -EEXIST, "%s exists and is not a "
					      "socket: not touching it", path);
				goto err_close;
			}
		}
		live = xp_probe_live(&sa, salen);
		if (live != 0 || path[0] == '@') {
			ret = live < 0 ? xp_fail(why, why_len, live, "socket %s is in use and "
						 "cannot be probed: %s", path, strerror(-live))
				       : xp_fail(why, why_len, -EADDRINUSE, "busy: another "
						 "process listens on %s", path);
			goto err_close;
		}
		/* Stale: left by a process that died without unlinking it. */
		if (unlink(path) != 0 && errno != ENOENT) {
			ret = xp_bind_error(path, errno, why, why_len);
			goto err_close;
		}
		if (bind(fd, (struct sockaddr *)&sa, salen) != 0) {
			ret = errno == EADDRINUSE
				      ? xp_fail(why, why_len, -EADDRINUSE, "busy: another process "
						"bound %s while its stale file was removed", path)
				      : xp_bind_error(path, errno, why, why_len);
			goto err_close;
		}
	}
	if (listen(fd, 4) != 0) {
		ret = xp_fail(why, why_len, -errno, "listen on %s: %s", path, strerror(errno));
		goto err_unlink;
	}
	if (path[0] != '@') {
		if (stat(path, &st) != 0) {
			ret = xp_fail(why, why_len, -errno, "stat %s after bind: %s", path,
				      strerror(errno));
			goto err_unlink;
		}
		l->dev = st.st_dev;
		l->ino = st.st_ino;
	}
	snprintf(l->path, sizeof(l->path), "%s", path);
	l->fd = fd;
	return 0;

err_unlink:
	if (path[0] != '@')
		unlink(path);
err_close:
	xp_close(fd);
	return ret;
}

int
qp_xproc_accept(struct qp_xproc_listener *l, int *fd, char *why, size_t why_len)
{
	int s;

	*fd = -1;
	do {
		s = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	} while (s < 0 && errno == EINTR);
	if (s < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -EAGAIN;
		return xp_fail(why, why_len, -errno, "accept on %s: %s", l->path, strerror(errno));
	}
	*fd = s;
	return 0;
}

int
qp_xproc_accept_refuse(struct qp_xproc_listener *l, uint32_t reason, const char *text)
{
	struct qp_xproc_chan c;
	int fd, ret;

	ret = qp_xproc_accept(l, &fd, NULL, 0);
	if (ret == -EAGAIN)
		return 0;
	if (ret != 0)
		return ret;
	qp_xproc_chan_init(&c, fd);
	/* Best effort: a client that is already gone learns nothing anyway. */
	(void)qp_xproc_send_refuse(&c, reason, text);
	qp_xproc_chan_close(&c);
	return 1;
}

void
qp_xproc_unlisten(struct qp_xproc_listener *l)
{
	struct stat st;

	if (l->fd < 0)
		return;
	/* Unlink only the file we bound: a newer server may own the path now. */
	if (l->path[0] != '\0' && l->path[0] != '@' && stat(l->path, &st) == 0 &&
	    st.st_dev == l->dev && st.st_ino == l->ino)
		unlink(l->path);
	xp_close(l->fd);
	l->fd = -1;
}

int
qp_xproc_connect(const char *path, int *fd, char *why, size_t why_len)
{
	struct sockaddr_un sa;
	socklen_t salen;
	int s, ret, err;

	*fd = -1;
	ret = xp_addr(path, &sa, &salen, why, why_len);
	if (ret != 0)
		return ret;
	s = xp_socket();
	if (s < 0)
		return xp_fail(why, why_len, -errno, "socket(AF_UNIX, SOCK_SEQPACKET): %s",
			       strerror(errno));
	do {
		ret = connect(s, (struct sockaddr *)&sa, salen);
	} while (ret != 0 && errno == EINTR);
	if (ret == 0) {
		*fd = s;
		return 0;
	}
	err = errno;
	xp_close(s);
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
		return xp_fail(why, why_len, -EAGAIN, "no server listening on %s yet", path);
	case EAGAIN:
		return xp_fail(why, why_len, -EAGAIN, "server on %s has a full backlog", path);
	case EPROTOTYPE:
		return xp_fail(why, why_len, -EPROTOTYPE, "%s is a socket of another type, not a "
			       "qpring cross-process port", path);
	default:
		return xp_fail(why, why_len, -err, "connect to %s: %s", path, strerror(err));
	}
}

int
qp_xproc_peer_pid(int fd)
{
	struct ucred cr;
	socklen_t n = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &n) != 0)
		return -errno;
	return (int)cr.pid;
}

void
qp_xproc_chan_init(struct qp_xproc_chan *c, int fd)
{
	c->fd = fd;
	c->tx_seq = 0;
	c->rx_seq = 0;
}

void
qp_xproc_chan_close(struct qp_xproc_chan *c)
{
	xp_close(c->fd);
	c->fd = -1;
}

int
qp_xproc_send(struct qp_xproc_chan *c, struct qp_xproc_msg *msg, char *why, size_t why_len)
{
	uint8_t buf[QP_XPROC_MSG_MAX];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr mh;
	struct iovec iov;
	struct cmsghdr *cm;
	bool with_fd = msg->hdr.type == QP_XPROC_REGION;
	ssize_t n;
	int len;

	if (with_fd && msg->fd < 0)
		return xp_fail(why, why_len, -EINVAL, "REGION without its fd");
	if (!with_fd && msg->fd >= 0)
		return xp_fail(why, why_len, -EINVAL, "%s carries no fd",
			       qp_xproc_type_str(msg->hdr.type));
	msg->hdr.seq = c->tx_seq;
	len = qp_xproc_encode(msg, buf, sizeof(buf), why, why_len);
	if (len < 0)
		return len;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = (size_t)len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (with_fd) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &msg->fd, sizeof(int));
	}
	do {
		n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return xp_fail(why, why_len, -EAGAIN, "send %s: socket buffer full, the "
				       "peer is not reading", qp_xproc_type_str(msg->hdr.type));
		return xp_fail(why, why_len, -errno, "send %s: %s",
			       qp_xproc_type_str(msg->hdr.type), strerror(errno));
	}
	if (n != len) /* SOCK_SEQPACKET sends all or nothing */
		return xp_fail(why, why_len, -EIO, "send %s: %zd of %d bytes sent",
			       qp_xproc_type_str(msg->hdr.type), n, len);
	c->tx_seq++;
	return 0;
}

int
qp_xproc_recv(struct qp_xproc_chan *c, struct qp_xproc_msg *msg, char *why, size_t why_len)
{
	uint8_t buf[QP_XPROC_MSG_MAX];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * QP_XPROC_RX_FDS_MAX)];
	} ctl;
	int fds[QP_XPROC_RX_FDS_MAX];
	unsigned int nb_fds = 0, i, k;
	struct msghdr mh;
	struct iovec iov;
	struct cmsghdr *cm;
	ssize_t n;
	int ret;

	msg->fd = -1;
	memset(&mh, 0, sizeof(mh));
	memset(&ctl, 0, sizeof(ctl));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.b;
	mh.msg_controllen = sizeof(ctl.b);
	do {
		n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return xp_fail(why, why_len, -errno, "receive: %s", strerror(errno));
	}
	/* Collect every fd that arrived, whatever else is wrong. */
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t nfd, room;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len < CMSG_LEN(0))
			continue;
		/* The kernel's count, bounded by what our buffer can hold. */
		nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		room = (size_t)(ctl.b + sizeof(ctl.b) - (char *)CMSG_DATA(cm)) / sizeof(int);
		if (nfd > room)
			nfd = room;
		for (k = 0; k < nfd; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
			if (nb_fds < QP_XPROC_RX_FDS_MAX)
				fds[nb_fds++] = fd;
			else
				xp_close(fd); /* cannot happen: the buffer holds no more */
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		for (i = 0; i < nb_fds; i++)
			xp_close(fds[i]);
		if (mh.msg_flags & MSG_TRUNC)
			return xp_fail(why, why_len, -EMSGSIZE, "truncated message: longer than "
				       "%u bytes", QP_XPROC_MSG_MAX);
		return xp_fail(why, why_len, -EMSGSIZE, "truncated message: more than %u fds "
			       "attached", QP_XPROC_RX_FDS_MAX);
	}
	if (n == 0) {
		for (i = 0; i < nb_fds; i++)
			xp_close(fds[i]);
		return xp_fail(why, why_len, -ECONNRESET, "peer closed the connection");
	}
	ret = qp_xproc_decode(buf, (size_t)n, fds, nb_fds, msg, why, why_len);
	if (ret != 0)
		return ret;
	if (msg->hdr.seq != c->rx_seq && msg->hdr.type != QP_XPROC_REFUSE) {
		qp_xproc_msg_clear(msg);
		return xp_fail(why, why_len, -EPROTO, "%s out of sequence: seq %u, expected %u",
			       qp_xproc_type_str(msg->hdr.type), msg->hdr.seq, c->rx_seq);
	}
	c->rx_seq = msg->hdr.seq + 1;
	return 1;
}

/* ---------------------------------------------------------- handshake */
int
qp_xproc_hello_check(const struct qp_xproc_hello *ours, const struct qp_xproc_hello *theirs,
		     uint32_t *reason, char *why, size_t why_len)
{
	if (theirs->role == ours->role) {
		*reason = QP_XPROC_REFUSE_ROLE;
		return xp_fail(why, why_len, -EPROTO, "both sides are %ss (peer %s, pid %u)",
			       ours->role == QP_XPROC_ROLE_SERVER ? "server" : "client",
			       theirs->name, theirs->pid);
	}
	if (theirs->layout_id != ours->layout_id || theirs->slot_size != ours->slot_size ||
	    theirs->ring_hdr_size != ours->ring_hdr_size) {
		*reason = QP_XPROC_REFUSE_LAYOUT;
		return xp_fail(why, why_len, -EPROTO, "ring layout differs: peer %s has layout "
			       "0x%x, %u-byte slots, %u-byte ring header; this side 0x%x, %u, %u "
			       "(another build of the driver?)", theirs->name, theirs->layout_id,
			       theirs->slot_size, theirs->ring_hdr_size, ours->layout_id,
			       ours->slot_size, ours->ring_hdr_size);
	}
	*reason = 0;
	return 0;
}

uint32_t
qp_xproc_refuse_reason(int err)
{
	switch (err) {
	case -EPROTONOSUPPORT:
		return QP_XPROC_REFUSE_VERSION;
	case -EBADMSG:
	case -EINVAL:
	case -EPROTO:
	case -EMSGSIZE:
		return QP_XPROC_REFUSE_BAD_MSG;
	default:
		return QP_XPROC_REFUSE_INTERNAL;
	}
}

int
qp_xproc_send_refuse(struct qp_xproc_chan *c, uint32_t reason, const char *text)
{
	struct qp_xproc_msg msg;
	size_t i;

	qp_xproc_msg_init(&msg, QP_XPROC_REFUSE);
	msg.u.refuse.reason = reason;
	for (i = 0; text != NULL && text[i] != '\0' && i < QP_XPROC_TEXT_LEN - 1; i++)
		msg.u.refuse.text[i] = (unsigned char)text[i] >= 0x20 &&
					       (unsigned char)text[i] <= 0x7e ? text[i] : '?';
	return qp_xproc_send(c, &msg, NULL, 0);
}

