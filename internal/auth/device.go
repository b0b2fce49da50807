package auth

import (
	"crypto/rand"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Device cookies keep a stranger from locking a user out (OWASP's "device
// cookies"). After a successful login the browser keeps a signed cookie
// naming the user and a random device ID. A login attempt for that user
// from that browser is trusted: it is limited per device only, so that
// failures from anywhere else, which fill the user name's and the
// addresses' buckets, never make the owner's right password wait. Every
// other attempt is untrusted and limited per user name and per address as
// before, so guessing stays slow.

// DeviceCookieName is the device cookie's name.
const DeviceCookieName = "gmd_device"

// DeviceLifetime is how long a browser stays trusted after its last
// successful login.
const DeviceLifetime = 90 * 24 * time.Hour

// device returns the device ID of r's device cookie when the cookie is
// valid and names user.
func (a *Auth) device(r *http.Request, user string, now time.Time) (string, bool) {
	if r == nil {
		return "", false
	}
	c, err := r.Cookie(DeviceCookieName)
	if err != nil {
		return "", false
	}
	msg, ok := a.Open("device", c.Value)
	if !ok {
		return "", false
	}
	parts := strings.Split(msg, "\x00")
	if len(parts) != 3 || parts[0] != user || len(parts[1]) != 22 {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || now.Unix() >= exp {
		return "", false
	}
	return parts[1], true
}

// TrustDevice gives the browser of r, which has just logged in as name, a
// device cookie (keeping its device ID when it had one for name).
func (a *Auth) TrustDevice(w http.ResponseWriter, r *http.Request, name string) {
	now := a.now()
	user := store.Clip(name)
	id, ok := a.device(r, user, now)
	if !ok {
		b := make([]byte, 16)
		rand.Read(b)
		id = b64.EncodeToString(b)
	}
	exp := strconv.FormatInt(now.Add(DeviceLifetime).Unix(), 10)
	http.SetCookie(w, a.Cookie(r, DeviceCookieName, a.Seal("device", user+"\x00"+id+"\x00"+exp), int(DeviceLifetime/time.Second)))
}
