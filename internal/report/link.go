package report

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"time"

	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Paths of the reports.
const (
	BonPrefix   = "/reports/interventions/" // + id + ".pdf"
	MensuelPath = "/reports/maintenance.pdf"
)

// LinkTTL is how long a signed link to a report works: long enough to open it from the
// page that asked for it, short enough that a link passed on soon stops showing what its
// owner sees.
const LinkTTL = 5 * time.Minute

// Links signs report URLs for a user, so that a browser opens them without the bearer
// token: the link names the user, and the report is built with his visibility when it is
// opened (he must still be active then).
type Links struct {
	Key []byte
	Now func() time.Time
}

// BonPath is the path of intervention id's bon.
func BonPath(id int) string { return BonPrefix + strconv.Itoa(id) + ".pdf" }

// Sign returns path with query q (nil for none) signed for userID until LinkTTL from now.
func (l Links) Sign(path string, q url.Values, userID int) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("uid", strconv.Itoa(userID))
	v.Set("exp", strconv.FormatInt(l.Now().Add(LinkTTL).Unix(), 10))
	v.Set("sig", l.sign(path, v))
	return path + "?" + v.Encode()
}

// Verify reports the user a link to path with query q was signed for, and false when its
// signature is wrong or it expired.
func (l Links) Verify(path string, q url.Values) (userID int, ok bool) {
	sig := q.Get("sig")
	exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
	if sig == "" || err != nil || l.Now().Unix() > exp {
		return 0, false
	}
	if !hmac.Equal([]byte(sig), []byte(l.sign(path, q))) {
		return 0, false
	}
	uid, err := strconv.Atoi(q.Get("uid"))
	if err != nil {
		return 0, false
	}
	return uid, true
}

// sign is the MAC of path and every parameter of q but sig, in their encoded (sorted) form,
// so that no parameter (the month of a report) can be changed under a valid signature.
func (l Links) sign(path string, q url.Values) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "sig" {
			v[k] = vs
		}
	}
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte(path + "?" + v.Encode()))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// BonLink is a link to intervention id's bon signed for the viewer of ctx. Errors:
// UNAUTHENTICATED, NOT_FOUND (an intervention he may not read, as one that does not exist).
func (s *Service) BonLink(ctx context.Context, id int) (string, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return "", domain.Errorf(domain.CodeUnauthenticated, "sign in to get a report")
	}
	ok, err := s.Client.Intervention.Query().Where(entintervention.ID(id)).Exist(ctx)
	if err != nil {
		return "", fmt.Errorf("reading intervention %d: %w", id, err)
	}
	if !ok {
		return "", domain.Errorf(domain.CodeNotFound, "intervention %d not found", id)
	}
	return s.Links.Sign(BonPath(id), nil, v.UserID), nil
}

// MensuelLink is a link to the monthly report of month (see ParseMonth) signed for the
// viewer of ctx. Errors: UNAUTHENTICATED, BAD_USER_INPUT.
func (s *Service) MensuelLink(ctx context.Context, month string) (string, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return "", domain.Errorf(domain.CodeUnauthenticated, "sign in to get a report")
	}
	m, err := s.ParseMonth(month)
	if err != nil {
		return "", err
	}
	return s.Links.Sign(MensuelPath, url.Values{"month": {m.Format("2006-01")}}, v.UserID), nil
}
