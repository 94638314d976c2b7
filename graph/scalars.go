package graph

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
)

// The scalars below are the ones whose input the API checks itself; gqlgen.yml binds ID,
// String, Time and Cursor to them, so every argument and input field of those types, at any
// depth, is checked before a resolver or a statement sees it. A refused value is a
// BAD_USER_INPUT domain.Error saying why; the error presenter names the argument.

// MaxStringLength bounds every String the API accepts, in characters; fields with a
// shorter limit say so in their description.
const MaxStringLength = 65536

// Dates the API accepts: what RFC 3339 writes with four-digit years, from 1900 on (the
// zero instant reads as null, and no maintenance record is older).
var (
	minTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// maxCursorLength bounds the text of a cursor: the server's own are far shorter, and
// decoding stays cheap whatever a client sends.
const maxCursorLength = 1024

func invalidInput(format string, args ...any) *domain.Error {
	return domain.Errorf(domain.CodeBadUserInput, format, args...)
}

// quoted shows a refused value in a message, cut short and escaped.
func quoted(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}

// jsonKind names the JSON type of a decoded value, for messages.
func jsonKind(v any) i18n.Message {
	switch v.(type) {
	case nil:
		return i18n.M("null")
	case string:
		return i18n.M("a string")
	case bool:
		return i18n.M("a boolean")
	case json.Number, int, int32, int64, float64:
		return i18n.M("a number")
	case []any:
		return i18n.M("a list")
	case map[string]any:
		return i18n.M("an object")
	default:
		return i18n.M("a %s", fmt.Sprintf("%T", v))
	}
}

// MarshalIntID writes an id as a GraphQL ID.
func MarshalIntID(id int) graphql.Marshaler { return graphql.MarshalIntID(id) }

// UnmarshalIntID reads an ID: a positive integer, written in decimal as a string (or as a
// JSON integer), at most the largest 64-bit integer.
func UnmarshalIntID(v any) (int, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = string(v)
	case int:
		s = strconv.Itoa(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	default:
		return 0, invalidInput("an ID is a string of digits, not %s", jsonKind(v))
	}
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, invalidInput("%s is not an ID: ids are positive integers written in decimal", quoted(s))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, invalidInput("%s is not an ID: ids are positive integers written in decimal, at most %d", quoted(s), int64(math.MaxInt64))
	}
	return int(n), nil
}

// MarshalString writes a string.
func MarshalString(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalString reads a String: valid UTF-8 without NUL characters (PostgreSQL stores
// neither), at most MaxStringLength characters.
func UnmarshalString(v any) (string, error) {
	s, err := graphql.UnmarshalString(v)
	if err != nil {
		return "", invalidInput("expected a string, not %s", jsonKind(v))
	}
	return s, checkText(s)
}

func checkText(s string) error {
	switch {
	case !utf8.ValidString(s):
		return invalidInput("the text is not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		return invalidInput("the text contains a NUL character")
	case len(s) > MaxStringLength && utf8.RuneCountInString(s) > MaxStringLength:
		return invalidInput("the text is longer than %d characters", MaxStringLength)
	}
	return nil
}

// MarshalTime writes an RFC 3339 date-time (null for the zero time).
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime reads an RFC 3339 date-time, with its offset (or Z), between 1900-01-01
// and 9999-12-31 in UTC: an impossible date (2024-02-30), a five-digit year or an offset
// beyond ±23:59 is refused.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, invalidInput("a date-time is an RFC 3339 string, not %s", jsonKind(v))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, invalidInput("%s is not an RFC 3339 date-time such as 2026-03-01T08:00:00Z (a real date, a four-digit year, an offset within ±23:59)", quoted(s))
	}
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, invalidInput("%s is out of range: dates go from 1900-01-01 to 9999-12-31 (UTC)", quoted(s))
	}
	return t, nil
}

// MarshalCursor writes a connection's cursor as entgql encodes it.
func MarshalCursor(c entgql.Cursor[int]) graphql.Marshaler { return c }

// UnmarshalCursor reads a cursor the server gave: an edge's cursor, or pageInfo's start or
// end cursor, as it was given. Whether it belongs to the connection's orderBy is checked
// with the operation's other arguments (inputs.go).
func UnmarshalCursor(v any) (entgql.Cursor[int], error) {
	c, ok := decodeCursor(v)
	if !ok {
		return c, cursorRefused(v)
	}
	return c, nil
}

// cursorRefused says why v is not a cursor.
func cursorRefused(v any) *domain.Error {
	if _, ok := v.(string); !ok {
		return invalidInput("a cursor is a string, not %s", jsonKind(v))
	}
	return invalidInput("not a cursor of this API: send an edge's cursor or pageInfo's startCursor or endCursor as it was given")
}

// decodeCursor decodes a cursor and checks that its values are ones a column holds.
func decodeCursor(v any) (entgql.Cursor[int], bool) {
	var c entgql.Cursor[int]
	s, ok := v.(string)
	if !ok || len(s) > maxCursorLength {
		return c, false
	}
	if err := c.UnmarshalGQL(s); err != nil || c.ID < 1 {
		return entgql.Cursor[int]{}, false
	}
	if c.Value == nil {
		return c, true
	}
	values, ok := c.Value.([]any)
	if !ok {
		return entgql.Cursor[int]{}, false
	}
	for _, v := range values {
		if cursorKind(v) == kindInvalid {
			return entgql.Cursor[int]{}, false
		}
	}
	return c, true
}

// kind is what a cursor value is compared as.
type kind int

const (
	kindInvalid kind = iota
	kindNull
	kindString
	kindNumber
	kindBool
	kindTime
)

// cursorKind classifies a value decoded from a cursor; kindInvalid for what no column
// holds, or what the database would refuse.
func cursorKind(v any) kind {
	switch v := v.(type) {
	case nil:
		return kindNull
	case string:
		if checkText(v) != nil {
			return kindInvalid
		}
		return kindString
	case bool:
		return kindBool
	case int8, int16, int32, int64, uint8, uint16, uint32, int, uint:
		return kindNumber
	case uint64:
		if v > math.MaxInt64 {
			return kindInvalid
		}
		return kindNumber
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return kindInvalid
		}
		return kindNumber
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return kindInvalid
		}
		return kindNumber
	case time.Time:
		if v.Before(minTime) || v.After(maxTime) {
			return kindInvalid
		}
		return kindTime
	default:
		return kindInvalid
	}
}

func kindsMatch(values []any, want []kind) bool {
	if len(values) != len(want) {
		return false
	}
	for i, v := range values {
		if k := cursorKind(v); k != kindNull && want[i] != kindInvalid && k != want[i] {
			return false
		}
	}
	return true
}
