package link

import (
	"bytes"
	"testing"
)

// A derived key depends on the purpose and on the signing key, is stable,
// and is not the signing secret itself.
func TestDerive(t *testing.T) {
	a := mustKeys(t, testKey("k1", 'a'))
	b := mustKeys(t, testKey("k1", 'b'))
	codes := a.Derive("one-time codes")
	if len(codes) != 32 {
		t.Fatalf("derived key is %d bytes, want 32", len(codes))
	}
	if !bytes.Equal(codes, mustKeys(t, testKey("k1", 'a')).Derive("one-time codes")) {
		t.Fatal("same key and purpose gave different keys")
	}
	if bytes.Equal(codes, a.Derive("other")) {
		t.Fatal("different purposes gave the same key")
	}
	if bytes.Equal(codes, b.Derive("one-time codes")) {
		t.Fatal("different signing keys gave the same key")
	}
	if bytes.Equal(codes, a.signer().secret) {
		t.Fatal("derived key is the signing secret")
	}
}
