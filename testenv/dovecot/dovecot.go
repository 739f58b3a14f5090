// Package dovecot runs a private Debian Dovecot as a real IMAP peer for
// integration tests and benchmarks.
//
// Each Start gets its own configuration, sockets, log, free port and Maildir
// under t.TempDir(), so any number of test packages can run one at the same
// time; nothing on the system is configured, started or stopped. Install
// Dovecot with scripts/install-dovecot.sh. Without it tests are skipped,
// unless INBOXDESK_REQUIRE_DOVECOT is set, which makes them fail instead.
package dovecot

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

const (
	startTimeout = 20 * time.Second
	stopGrace    = 200 * time.Millisecond
)

// Server is a private Dovecot instance with one passwd-file user.
type Server struct {
	bin     string
	version string
	conf    string
	cfg     configData
	user    string
	pass    string
	batch   int // AppendMany file-name counter

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
}

// Start runs a private Dovecot on 127.0.0.1 with a free port, a passwd-file
// user and Maildir storage in t.TempDir(). It skips the test when dovecot is
// not installed and INBOXDESK_REQUIRE_DOVECOT is unset, and fails it when
// that variable is set. The server is stopped by t.Cleanup; when the test
// failed, the tail of Dovecot's log is logged first.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, "")
}

// StartOAuth is Start with SASL XOAUTH2 and OAUTHBEARER offered beside
// the password: Dovecot's oauth2 passdb checks each token at introspectURL
// (RFC 7662, POST token=…), which must answer active and the user's name.
// The Dovecot 2.4 syntax is not written for it: on 2.4 the test fails.
func StartOAuth(t testing.TB, introspectURL string) *Server {
	t.Helper()
	return start(t, introspectURL)
}

func start(t testing.TB, introspectURL string) *Server {
	t.Helper()
	bin, err := findBinary()
	if err != nil {
		if os.Getenv(requireEnv) != "" {
			t.Fatalf("dovecot: %v (%s is set)", err, requireEnv)
		}
		t.Skipf("dovecot: %v", err)
	}
	s, err := setup(t.TempDir(), bin, introspectURL)
	if err != nil {
		t.Fatalf("dovecot: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("dovecot %s log tail:\n%s", s.version, s.logTail())
		}
		s.Stop()
	})
	s.start(t)
	return s
}

// setup writes the configuration, passwd-file and directories into dir.
func setup(dir, bin, introspectURL string) (*Server, error) {
	ver, is24, err := version(bin)
	if err != nil {
		return nil, err
	}
	id, err := currentIdentity()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{
		bin: bin, version: ver, conf: filepath.Join(dir, "dovecot.conf"),
		cfg:  newConfigData(dir, port, id),
		user: "support", pass: rand.Text(),
	}
	if introspectURL != "" {
		if is24 {
			return nil, fmt.Errorf("%s: the oauth2 passdb is configured for Dovecot 2.3 only", ver)
		}
		if err := s.writeOAuth2Config(introspectURL); err != nil {
			return nil, err
		}
	}
	conf, err := renderConfig(s.cfg, is24)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(s.conf, conf, 0o644); err != nil {
		return nil, err
	}
	// The passwd-file leaves uid/gid empty: mail_uid/mail_gid apply, and
	// passwd-file would reject uid 0 anyway. It must be readable by the auth
	// process, which runs as default_internal_user.
	home := filepath.Join(s.cfg.MailRoot, s.user)
	line := fmt.Sprintf("%s:{PLAIN}%s::::%s::\n", s.user, s.pass, home)
	if err := os.WriteFile(s.cfg.PasswdPath, []byte(line), 0o644); err != nil {
		return nil, err
	}
	if err := os.Mkdir(s.cfg.MailRoot, 0o700); err != nil {
		return nil, err
	}
	if id.root {
		if err := rootPermissions(dir, s.cfg.MailRoot, id); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// rootPermissions lets Dovecot's unprivileged processes reach their files:
// the test's temp dirs (0700) become traversable, and the Maildir root is
// handed to the mail user.
func rootPermissions(dir, mailRoot string, id identity) error {
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o711); err != nil {
			return err
		}
	}
	for d := filepath.Dir(filepath.Dir(dir)); ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("%s is not traversable by Dovecot's unprivileged users; "+
				"point TMPDIR at a directory like /tmp", d)
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	return os.Chown(mailRoot, id.mailUID, id.mailGID)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs "dovecot -F" in its own process group and waits until a LOGIN
// succeeds. Right after a Stop, processes of the old instance may still hold
// the port for a moment, so a busy port is retried until the deadline.
func (s *Server) start(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		err := s.launch(deadline)
		if err == nil {
			return
		}
		s.Stop()
		if errors.Is(err, errPortBusy) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		t.Fatalf("dovecot %s: %v (its log tail follows at cleanup)", s.version, err)
	}
}

var errPortBusy = errors.New("port still in use")

func (s *Server) launch(deadline time.Time) error {
	// A master.pid left by a killed instance would make Dovecot refuse to start.
	_ = os.Remove(filepath.Join(s.cfg.BaseDir, "master.pid"))
	stderr := filepath.Join(s.cfg.Dir, "dovecot.stderr")
	out, err := os.Create(stderr)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command(s.bin, "-F", "-c", s.conf)
	cmd.Dir = s.cfg.Dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	err = s.waitReady(exited, deadline)
	if err != nil {
		if b, _ := os.ReadFile(stderr); bytes.Contains(b, []byte("Address already in use")) {
			return errPortBusy
		}
	}
	return err
}

func (s *Server) waitReady(exited <-chan struct{}, deadline time.Time) error {
	var lastErr error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("exited during start-up")
		default:
		}
		if lastErr = s.tryLogin(); lastErr == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %v: %w", startTimeout, lastErr)
}

func (s *Server) tryLogin() error {
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Login(s.user, s.pass).Wait(); err != nil {
		return err
	}
	return c.Logout().Wait()
}

// Stop stops Dovecot's process group and waits for the master. It is safe
// to call more than once. SIGTERM usually ends the group in a few
// milliseconds, but now and then the master waits a second for its children;
// that is cut short with SIGKILL.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	pgid := cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(stopGrace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-exited
	}
	// Children still shutting down after the master.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// Restart stops Dovecot and starts it again on the same port with the same
// data, for fault tests. Open connections are dropped.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	s.start(t)
}

// Addr returns "127.0.0.1:port".
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.cfg.Port))
}

// User returns the IMAP login name.
func (s *Server) User() string { return s.user }

// Password returns the IMAP password (random per server).
func (s *Server) Password() string { return s.pass }

// URL returns "imap://user:pass@127.0.0.1:port/folder" (plaintext IMAP).
func (s *Server) URL(folder string) string {
	u := url.URL{Scheme: "imap", User: url.UserPassword(s.user, s.pass), Host: s.Addr(), Path: "/" + folder}
	return u.String()
}

// logTail returns the end of Dovecot's log and of its stderr.
func (s *Server) logTail() string {
	var out string
	for _, name := range []string{s.cfg.LogPath, filepath.Join(s.cfg.Dir, "dovecot.stderr")} {
		out += tail(name, 4096)
	}
	return out
}

func tail(name string, n int64) string {
	f, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		_, _ = f.Seek(-n, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	if len(b) == 0 {
		return ""
	}
	return "== " + filepath.Base(name) + " ==\n" + string(b)
}

// OAuthURL is the account's mailbox URL signing in with the named OAuth2
// grant instead of the password.
func (s *Server) OAuthURL(folder, grant string) string {
	u := url.URL{Scheme: "imap", User: url.User(s.user), Host: s.Addr(), Path: "/" + folder,
		RawQuery: url.Values{"oauth": {grant}}.Encode()}
	return u.String()
}
