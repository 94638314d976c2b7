package render

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
)

// TestFixEscapes: PostgreSQL's escapes that the executor writes otherwise are rewritten.
func TestFixEscapes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"nothing to fix", `"a\n\t\"b\"\\c"`, `"a\n\t\"b\"\\c"`},
		{"backspace and form feed", `"\b\f"`, `"\u0008\u000C"`},
		{"lower-case hex", `"\u001f\u000b\u0001"`, `"\u001F\u000B\u0001"`},
		{"an escaped backslash before b", `"\\b\\f\\u001f"`, `"\\b\\f\\u001f"`},
		{"mixed", `{"a":"x\by","b":"\\","c":"\u001e"}`, `{"a":"x\u0008y","b":"\\","c":"\u001E"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols := []string{tt.in}
			FixEscapes(cols)
			if cols[0] != tt.want {
				t.Errorf("FixEscapes(%s) = %s, want %s", tt.in, cols[0], tt.want)
			}
		})
	}
}

// TestRowFactFields: RowFacts reads no column of the row beyond RowFactFields. Every field
// of an intervention is set; kept to those columns, the row gives the same facts.
func TestRowFactFields(t *testing.T) {
	full := reflect.New(reflect.TypeFor[ent.Intervention]())
	kept := reflect.New(reflect.TypeFor[ent.Intervention]())
	keep := map[string]bool{}
	for _, f := range RowFactFields {
		keep[f] = true
	}
	typ := full.Elem().Type()
	set := 0
	for i := range typ.NumField() {
		sf := typ.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" || name == "edges" {
			continue
		}
		v := nonZero(t, sf.Type, i)
		full.Elem().Field(i).Set(v)
		set++
		if keep[name] {
			kept.Elem().Field(i).Set(v)
			delete(keep, name)
		}
	}
	if len(keep) > 0 || set < 30 {
		t.Fatalf("columns %v are not fields of an intervention (%d fields set)", keep, set)
	}
	got := RowFacts(kept.Interface().(*ent.Intervention))
	want := RowFacts(full.Interface().(*ent.Intervention))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RowFacts of the row kept to RowFactFields = %+v, of the whole row %+v", got, want)
	}
}

// nonZero is a value of type typ other than its zero value, different for each seed.
func nonZero(t *testing.T, typ reflect.Type, seed int) reflect.Value {
	t.Helper()
	if typ.Kind() == reflect.Pointer {
		p := reflect.New(typ.Elem())
		p.Elem().Set(nonZero(t, typ.Elem(), seed))
		return p
	}
	v := reflect.New(typ).Elem()
	switch {
	case typ == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 1, 1+seed, 8, seed, 0, 0, time.UTC)))
	case typ.Kind() == reflect.String:
		v.SetString("v" + strconv.Itoa(seed))
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Int64:
		v.SetInt(int64(seed + 1))
	case typ.Kind() >= reflect.Uint && typ.Kind() <= reflect.Uint64:
		v.SetUint(uint64(seed + 1))
	case typ.Kind() == reflect.Float64 || typ.Kind() == reflect.Float32:
		v.SetFloat(float64(seed) + 0.5)
	case typ.Kind() == reflect.Bool:
		v.SetBool(true)
	case typ.Kind() == reflect.Slice:
		v.Set(reflect.MakeSlice(typ, 1, 1))
		v.Index(0).Set(nonZero(t, typ.Elem(), seed))
	case typ.Kind() == reflect.Map:
		v.Set(reflect.MakeMap(typ))
	default:
		t.Fatalf("no value for a field of type %s", typ)
	}
	return v
}
