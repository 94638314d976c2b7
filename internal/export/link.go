package export

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"time"

	"github.com/mifmaroc/erp/internal/domain"
)

// URLPrefix is where the exports are served: URLPrefix + "<kind>.<format>".
const URLPrefix = "/export/"

// Signer makes and checks signed export links: a link a browser can open without the
// bearer token (a download started from a plain <a href>), valid until TTL after it was
// made, that runs the export as the user who asked for it, with what he may read at the
// time it is opened.
type Signer struct {
	Key []byte
	TTL time.Duration // EXPORT_LINK_TTL
	Now func() time.Time
}

// The parameters a signed link adds to those of the export.
const (
	paramUser    = "uid"
	paramExpires = "exp"
	paramSig     = "sig"
)

// Link is the signed address of the export file ("interventions.csv") with the parameters
// of q, for user userID, and when it stops working.
func (s Signer) Link(file string, q url.Values, userID int) (string, time.Time) {
	exp := s.Now().Add(s.TTL).Truncate(time.Second)
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set(paramUser, strconv.Itoa(userID))
	v.Set(paramExpires, strconv.FormatInt(exp.Unix(), 10))
	v.Set(paramSig, s.sign(file, v))
	return URLPrefix + file + "?" + v.Encode(), exp
}

// Signed reports whether q carries a link's signature (rather than relying on a token).
func Signed(q url.Values) bool { return q.Has(paramSig) }

// Verify checks the signature of q for the export file and returns the user it was made
// for, and q without the link's own parameters. Errors: FORBIDDEN (tampered, expired).
func (s Signer) Verify(file string, q url.Values) (int, url.Values, error) {
	refused := domain.Errorf(domain.CodeForbidden, "invalid or expired export link: ask for a new link (exportLink)")
	exp, err := strconv.ParseInt(q.Get(paramExpires), 10, 64)
	if err != nil || s.Now().Unix() > exp {
		return 0, nil, refused
	}
	uid, err := strconv.Atoi(q.Get(paramUser))
	if err != nil || uid <= 0 {
		return 0, nil, refused
	}
	if !hmac.Equal([]byte(s.sign(file, q)), []byte(q.Get(paramSig))) {
		return 0, nil, refused
	}
	rest := url.Values{}
	for k, vs := range q {
		if k != paramUser && k != paramExpires && k != paramSig {
			rest[k] = vs
		}
	}
	return uid, rest, nil
}

// sign is the HMAC of the file and every parameter but the signature, in a canonical order
// (url.Values.Encode sorts by key), so that changing any of them voids it.
func (s Signer) sign(file string, q url.Values) string {
	v := url.Values{}
	for k, vs := range q {
		if k != paramSig {
			v[k] = vs
		}
	}
	m := hmac.New(sha256.New, s.Key)
	_, _ = m.Write([]byte("export:" + file + "?" + v.Encode()))
	return hex.EncodeToString(m.Sum(nil))
}
