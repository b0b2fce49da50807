package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. The defaults are OWASP's
// recommended minimum (19 MiB, 2 passes, 1 lane): a login costs tens of
// milliseconds, and the hasher runs at most two at a time so that a burst
// of logins cannot take much memory or CPU from the monitored service.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

var defaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// maxPassword bounds what is hashed, so that a huge form field
	// costs nothing more than a normal one.
	maxPassword = 1024
)

// hasher hashes and checks passwords, bounding how many run at once.
type hasher struct {
	params Params
	slots  chan struct{}
	count  atomic.Int64 // hashes computed, for tests
}

func newHasher(p Params) *hasher {
	return &hasher{params: p, slots: make(chan struct{}, 2)}
}

func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *hasher) release() { <-h.slots }

// hash returns the PHC string of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	if len(password) > maxPassword {
		return "", errTooLong
	}
	salt := make([]byte, saltLen)
	rand.Read(salt)
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errTooLong = errors.New("longer than 1024 bytes")

// verify reports whether password matches one of hashes. It always
// computes at least one hash, with the parameters of the first one (or
// of dummy when hashes is empty), so that its time does not reveal
// whether a user exists.
func (h *hasher) verify(ctx context.Context, password string, hashes []string, dummy string) (bool, error) {
	if len(hashes) == 0 {
		hashes = []string{dummy}
		password = "\x00" + password // never matches the dummy's unknown password
	}
	if len(password) > maxPassword {
		password = password[:maxPassword]
		hashes = []string{dummy}
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	ok := false
	for _, enc := range hashes {
		h.count.Add(1)
		if checkHash(password, enc) {
			ok = true
		}
	}
	return ok, nil
}

// checkHash compares password with one PHC string; an unreadable string
// matches nothing.
func checkHash(password, enc string) bool {
	p, salt, key, err := parseHash(enc)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// parseHash reads a PHC argon2id string. Its parameters are bounded, so
// that a tampered database row cannot make a login take gigabytes.
func parseHash(enc string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(enc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errors.New("not an argon2id hash")
	}
	var m, t, th uint64
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, nil, nil, errors.New("bad argon2id parameter")
		}
		switch k {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			th = n
		default:
			return p, nil, nil, errors.New("unknown argon2id parameter")
		}
	}
	if m < 8 || m > 256*1024 || t < 1 || t > 16 || th < 1 || th > 16 {
		return p, nil, nil, errors.New("argon2id parameters out of range")
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errors.New("bad argon2id salt or key")
	}
	return Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(th)}, salt, key, nil
}

// RandomPassword returns a password of 20 characters from an alphabet
// without look-alikes (about 100 bits).
func RandomPassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	for i := range b {
		b[i] = alphabet[randIntn(len(alphabet))]
	}
	return string(b)
}

func randIntn(n int) int {
	var b [8]byte
	rand.Read(b[:])
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return int(v % uint64(n)) // bias below 2^-58 for small n
}

// MinPassword is the fewest characters a password may have, whether a
// user chooses it in the UI or the configuration sets it.
const MinPassword = 8

// PasswordRule says what is wrong with a password, in words that follow
// "want" ("at least 8 characters"), or "" when it may be used. It is the
// one rule for passwords: the UI's forms and the configuration's PASSWORD
// and GUEST_PASSWORD keys check it.
func PasswordRule(pw string) string {
	switch {
	case utf8.RuneCountInString(pw) < MinPassword:
		return "at least " + strconv.Itoa(MinPassword) + " characters"
	case len(pw) > maxPassword:
		return "at most 1024 bytes"
	}
	return ""
}

// PasswordProblem says what is wrong with a password a user chose, as a
// sentence for a form, or "".
func PasswordProblem(pw string) string {
	switch want := PasswordRule(pw); {
	case want == "":
		return ""
	case len(pw) > maxPassword:
		return "A password may have " + want + "."
	default:
		return "A password needs " + want + "."
	}
}
