package io.rstwatch.listeners;

/**
 * One SYN_SENT socket: a connect on this host still waiting for its answer, where to, whose (the socket's user),
 * and how many times its SYN was sent again.
 *
 * @param remoteHi the destination address, high 64 bits (0 for IPv4)
 * @param remoteLo the destination address, low 64 bits
 * @param remotePort the destination port
 * @param uid the socket's user, unsigned
 * @param inode the socket's inode, to find its process
 * @param retransmits how many times the SYN was sent again so far
 */
record Connecting(long remoteHi, long remoteLo, int remotePort, int uid, long inode, int retransmits) {}
