// Package faults holds the fault tests: inboxdesk killed with SIGKILL while
// it ingests mail from Debian's Dovecot and sends the alerts, Dovecot
// restarted and its mailbox recreated mid-batch, SMTP answering 421/451, a
// sender stopped by SIGTERM while its relay hangs, and the PostgreSQL
// connection cut mid-batch (through testenv/tcpproxy).
// Each must end with every mail on exactly one ticket and every alert
// delivered once.
//
// They run with `make test-faults` (INBOXDESK_FAULTS=1, -run Fault);
// INBOXDESK_FAULTS_LOG=1 shows the poller's and sender's logs.
package faults
