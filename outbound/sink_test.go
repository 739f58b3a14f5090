package outbound

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// sink is an in-process SMTP server that records what it receives and
// answers with scripted errors per command, after maddy's test server.
type sink struct {
	addr    string
	discard bool   // drop message bodies (benchmarks)
	user    string // when set, AUTH PLAIN is offered and required
	pass    string
	tls     bool          // implicit TLS (smtps)
	stall   chan struct{} // when set, MAIL waits for it to close

	mu       sync.Mutex
	msgs     []sinkMsg
	conns    []*smtp.Conn
	failures map[string][]error // "mail", "rcpt", "data" → errors to answer, in order
	refusals map[string][]error // recipient → errors to answer its RCPT TO, in order
}

type sinkMsg struct {
	From string
	To   []string
	Data []byte
}

type sinkOption func(*smtp.Server, *sink)

func withAuth(user, pass string) sinkOption {
	return func(_ *smtp.Server, s *sink) { s.user, s.pass = user, pass }
}

// withTLS serves TLS (STARTTLS, or implicit when implicit is set) with a
// fresh self-signed certificate and returns a client config trusting it.
func withTLS(t testing.TB, implicit bool, client **tls.Config) sinkOption {
	cert, pool := selfSigned(t)
	*client = &tls.Config{RootCAs: pool}
	return func(srv *smtp.Server, s *sink) {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.tls = implicit
	}
}

func newSink(t testing.TB, opts ...sinkOption) *sink {
	t.Helper()
	s := &sink{failures: map[string][]error{}, refusals: map[string][]error{}}
	srv := smtp.NewServer(s)
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	for _, o := range opts {
		o(srv, s)
	}
	var l net.Listener
	var err error
	if l, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if s.tls {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	s.addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// failNext makes the sink answer the next count commands of stage with err.
func (s *sink) failNext(stage string, err error, count int) { s.push(s.failures, stage, err, count) }

// refuseNext makes the sink answer the next count RCPT TO commands naming
// rcpt with err, whatever order a batch's messages arrive in.
func (s *sink) refuseNext(rcpt string, err error, count int) { s.push(s.refusals, rcpt, err, count) }

func (s *sink) nextFailure(stage string) error { return s.pop(s.failures, stage) }

func (s *sink) nextRefusal(rcpt string) error { return s.pop(s.refusals, rcpt) }

// push queues count answers err under key of m (failures or refusals).
func (s *sink) push(m map[string][]error, key string, err error, count int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range count {
		m[key] = append(m[key], err)
	}
}

// pop takes the next answer queued under key of m, nil when there is none.
func (s *sink) pop(m map[string][]error, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(m[key]) == 0 {
		return nil
	}
	err := m[key][0]
	m[key] = m[key][1:]
	return err
}

func (s *sink) messages() []sinkMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sinkMsg(nil), s.msgs...)
}

func (s *sink) connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// hangUp closes every open connection from the server side.
func (s *sink) hangUp() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
}

func (s *sink) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns = append(s.conns, c)
	return &sinkSession{sink: s}, nil
}

type sinkSession struct {
	sink   *sink
	authed bool
	msg    sinkMsg
}

func (ss *sinkSession) AuthMechanisms() []string {
	if ss.sink.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.sink.user || pass != ss.sink.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.sink.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if ss.sink.stall != nil {
		<-ss.sink.stall
	}
	if err := ss.sink.nextFailure("mail"); err != nil {
		return err
	}
	ss.msg = sinkMsg{From: from}
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.sink.nextFailure("rcpt"); err != nil {
		return err
	}
	if err := ss.sink.nextRefusal(to); err != nil {
		return err
	}
	ss.msg.To = append(ss.msg.To, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	if ss.sink.discard {
		_, err := io.Copy(io.Discard, r)
		ss.sink.record(sinkMsg{})
		return err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.sink.nextFailure("data"); err != nil {
		return err
	}
	ss.msg.Data = data
	ss.sink.record(ss.msg)
	return nil
}

func (s *sink) record(m sinkMsg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
}

func (ss *sinkSession) Reset()        { ss.msg = sinkMsg{} }
func (ss *sinkSession) Logout() error { return nil }

func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sink.test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv, Leaf: leaf}, pool
}

var errTempBusy = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
var errNoSuchUser = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}

var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
