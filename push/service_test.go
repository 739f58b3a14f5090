package push_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"inboxdesk/push"
	"inboxdesk/ticket"
)

// device is a browser's side of a subscription: the key pair and auth
// secret its pushes are encrypted to.
type device struct {
	key  *ecdh.PrivateKey
	auth []byte
}

func newDevice(t testing.TB) *device {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	return &device{key: k, auth: auth}
}

func (d *device) keys() (p256dh, auth string) {
	return b64(d.key.PublicKey().Bytes()), b64(d.auth)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// received is one push a device's endpoint accepted, decrypted.
type received struct {
	Device  string
	Payload push.Payload
	TTL     string
	Urgency string
	JWT     vapidClaims
}

type vapidClaims struct {
	Aud string `json:"aud"`
	Exp int64  `json:"exp"`
	Sub string `json:"sub"`
}

// pushService is a local push service (RFC 8030) over TLS: it answers each
// device's endpoint with the statuses queued for it (201 when none are),
// and for a 201 checks the VAPID token and decrypts the body as the
// device would (RFC 8291).
type pushService struct {
	t       *testing.T
	srv     *httptest.Server
	vapid   []byte // the application server's public key the token must carry
	mu      sync.Mutex
	devices map[string]*device
	answers map[string][]int
	got     []received
	tries   map[string]int
}

func newPushService(t *testing.T, vapidPublic string) *pushService {
	pub, err := base64.RawURLEncoding.DecodeString(vapidPublic)
	if err != nil {
		t.Fatal(err)
	}
	ps := &pushService{t: t, vapid: pub, devices: map[string]*device{}, answers: map[string][]int{},
		tries: map[string]int{}}
	ps.srv = httptest.NewTLSServer(http.HandlerFunc(ps.serve))
	t.Cleanup(ps.srv.Close)
	return ps
}

// endpoint registers a device under name and returns its endpoint URL.
func (ps *pushService) endpoint(name string, d *device, answers ...int) string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.devices[name] = d
	ps.answers[name] = answers
	return ps.srv.URL + "/push/" + name
}

func (ps *pushService) serve(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/push/")
	ps.mu.Lock()
	d := ps.devices[name]
	ps.tries[name]++
	status := http.StatusCreated
	if q := ps.answers[name]; len(q) > 0 {
		status, ps.answers[name] = q[0], q[1:]
	}
	ps.mu.Unlock()
	if d == nil {
		http.NotFound(w, r)
		return
	}
	if status == http.StatusCreated {
		rec, err := ps.open(r, d)
		if err != nil {
			ps.t.Errorf("push to %s: %v", name, err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rec.Device = name
		ps.mu.Lock()
		ps.got = append(ps.got, rec)
		ps.mu.Unlock()
	}
	w.WriteHeader(status)
}

// open checks a push's headers and VAPID token and decrypts its body.
func (ps *pushService) open(r *http.Request, d *device) (received, error) {
	rec := received{TTL: r.Header.Get("TTL"), Urgency: r.Header.Get("Urgency")}
	if ce := r.Header.Get("Content-Encoding"); ce != "aes128gcm" {
		return rec, fmt.Errorf("Content-Encoding %q", ce)
	}
	claims, err := ps.checkVAPID(r.Header.Get("Authorization"))
	if err != nil {
		return rec, err
	}
	rec.JWT = claims
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return rec, err
	}
	plain, err := decrypt(d, body)
	if err != nil {
		return rec, err
	}
	return rec, json.Unmarshal(plain, &rec.Payload)
}

// decrypt opens an aes128gcm body (RFC 8188) with the device's keys (RFC 8291 §3.4).
func decrypt(d *device, body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body shorter than its header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idlen != 65 || len(body) < 21+idlen {
		return nil, fmt.Errorf("key id of %d bytes, want the sender's 65-byte public key", idlen)
	}
	asPublic, ciphertext := body[21:21+idlen], body[21+idlen:]
	if uint32(len(ciphertext)) > rs {
		return nil, fmt.Errorf("record of %d bytes exceeds rs %d (one record expected)", len(ciphertext), rs)
	}
	peer, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, err
	}
	secret, err := d.key.ECDH(peer)
	if err != nil {
		return nil, err
	}
	keyInfo := "WebPush: info\x00" + string(d.key.PublicKey().Bytes()) + string(asPublic)
	ikm, err := hkdf.Key(sha256.New, secret, d.auth, keyInfo, 32)
	if err != nil {
		return nil, err
	}
	cek, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

// checkVAPID verifies "vapid t=JWT, k=KEY" (RFC 8292): the key is ours and
// signed the token (ES256).
func (ps *pushService) checkVAPID(h string) (vapidClaims, error) {
	var c vapidClaims
	var token, key string
	for _, part := range strings.Split(strings.TrimPrefix(h, "vapid "), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			token = v
		case "k":
			key = v
		}
	}
	if key != b64(ps.vapid) {
		return c, fmt.Errorf("Authorization %q does not carry our VAPID key", h)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), ps.vapid)
	if err != nil {
		return c, err
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, errors.New("token is not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return c, errors.New("ES256 signature must be 64 bytes")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return c, errors.New("VAPID token signature does not verify")
	}
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(claims, &c)
}

func (ps *pushService) received() []received {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]received(nil), ps.got...)
}

func (ps *pushService) triesOf(name string) int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.tries[name]
}

// origin is the audience a VAPID token for this service must name.
func (ps *pushService) origin() string { return ps.srv.URL }

// checkClaims checks a token's audience, subject and expiry (at most 24 h
// ahead, RFC 8292 §2).
func checkClaims(t *testing.T, ps *pushService, c vapidClaims, subject string) {
	t.Helper()
	exp := time.Unix(c.Exp, 0)
	if c.Aud != ps.origin() || c.Sub != subject {
		t.Errorf("VAPID claims %+v, want aud %s and sub %s", c, ps.origin(), subject)
	}
	if !exp.After(time.Now()) || exp.After(time.Now().Add(24*time.Hour)) {
		t.Errorf("VAPID token expires %v, want within the next 24 hours", exp)
	}
}

// subscription returns the stored form of a device's subscription at endpoint.
func subscription(customerID int64, endpoint string, d *device) ticket.PushSubscription {
	p256dh, auth := d.keys()
	return ticket.PushSubscription{CustomerID: customerID, Endpoint: endpoint, P256dh: p256dh, Auth: auth,
		Label: "test browser"}
}
