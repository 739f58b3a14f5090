package faults_test

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"inboxdesk/inbound"
)

// hungSMTP accepts connections and never answers, like a relay that froze.
func hungSMTP(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// TestFaultSIGTERMDuringSMTPHangHandsAlertsBack stops a sender with SIGTERM
// while its SMTP relay hangs: the alerts it had claimed are back in the
// queue when it exits, and a sender started next delivers every alert within
// seconds (not after the five-minute lease), each once.
func TestFaultSIGTERMDuringSMTPHangHandsAlertsBack(t *testing.T) {
	enabled(t)
	const n = 40
	r := newRig(t, pgtestURL(t))
	r.dc.AppendMany(t, "INBOX", supportMails("term", 0, n))
	p := inbound.NewPoller(r.store, quiet(), inbound.Options{})
	defer p.Close()
	r.pollUntilDone(p)
	alerts := r.count(`SELECT count(*) FROM alerts`)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env, _ := json.Marshal(childConfig{DB: r.pool.Config().ConnString(), SMTP: hungSMTP(t), Keys: r.keyStr, SenderOnly: true})
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(env))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for r.count(`SELECT count(*) FROM alerts WHERE state = 'sending'`) == 0 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the sender claimed no alert within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // its delivery hangs on the relay
	claimed := r.count(`SELECT count(*) FROM alerts WHERE state = 'sending'`)
	term := time.Now()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("sender exited with %v after SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("sender still running 15s after SIGTERM")
	}
	stopped := time.Since(term)
	if left := r.count(`SELECT count(*) FROM alerts WHERE state = 'sending'`); left != 0 {
		t.Fatalf("%d of %d claimed alerts still leased after the sender exited", left, claimed)
	}
	sender, err := newSender(r.store, r.smtp.Addr(), r.keyStr, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r.sendUntilDone(sender)
	took := time.Since(start)
	if took > 10*time.Second {
		t.Errorf("the next sender took %s to deliver the handed-back alerts", took)
	}
	if resent := r.checkAlerts(); resent != 0 {
		t.Errorf("%d alerts arrived twice; none reached the hung relay", resent)
	}
	t.Logf("%d alerts, %d claimed by the sender stopped during the hang; it exited %s after SIGTERM; the next sender delivered all in %s",
		alerts, claimed, stopped.Round(time.Millisecond), took.Round(time.Millisecond))
}
