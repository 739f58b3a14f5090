package dovecot

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// FreezeSessions stops (SIGSTOP) every imap process of this Dovecot: each
// serves one open IMAP session, which from then on gets no answer, as from
// a frozen server. New logins get new processes and are served. The returned
// thaw continues the stopped processes; t.Cleanup thaws them too.
func (s *Server) FreezeSessions(t testing.TB) (thaw func()) {
	t.Helper()
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd == nil {
		t.Fatal("dovecot: not running")
	}
	pids := imapProcesses(cmd.Process.Pid)
	if len(pids) == 0 {
		t.Fatal("dovecot: no imap process to freeze (no session open)")
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			t.Fatalf("dovecot: stop imap process %d: %v", pid, err)
		}
	}
	thawed := false
	thaw = func() {
		if thawed {
			return
		}
		thawed = true
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGCONT)
		}
	}
	t.Cleanup(thaw)
	return thaw
}

// imapProcesses lists the processes of group pgid named "imap".
func imapProcesses(pgid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var pids []int
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...
		line := string(b)
		open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(line[end+1:])
		if line[open+1:end] != "imap" || len(fields) < 3 || fields[2] != strconv.Itoa(pgid) {
			continue
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(line[:open])); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}
