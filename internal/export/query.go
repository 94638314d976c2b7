package export

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"

	"entgo.io/contrib/entgql"

	"github.com/mifmaroc/erp/internal/domain"
)

// decodeJSON reads parameter name of q, when given, into v: a GraphQL input written as JSON
// with the field names of the schema. An unknown field is refused, so that a misspelt filter
// fails instead of exporting everything.
func decodeJSON(q url.Values, name string, v any) (bool, error) {
	raw := q.Get(name)
	if raw == "" {
		return false, nil
	}
	d := json.NewDecoder(bytes.NewReader([]byte(raw)))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return false, domain.Errorf(domain.CodeBadUserInput, "parameter %s: not the JSON of the GraphQL input (%v)", name, err)
	}
	if d.More() {
		return false, domain.Errorf(domain.CodeBadUserInput, "parameter %s: one JSON value expected", name)
	}
	if err := checkEnums(reflect.ValueOf(v)); err != nil {
		return false, domain.Errorf(domain.CodeBadUserInput, "parameter %s: %v", name, err)
	}
	return true, nil
}

// jsonOrder is one element of orderBy as the GraphQL lists take it:
// {"direction":"DESC","field":"DATE_PREVUE"}.
type jsonOrder struct {
	Direction entgql.OrderDirection `json:"direction"`
	Field     string                `json:"field"`
}

// decodeOrder reads orderBy: a list of orders, or one (as GraphQL coerces it), and builds
// each with field, which refuses a field the list cannot order by.
func decodeOrder[O any](q url.Values, field func(dir entgql.OrderDirection, name string) (O, error)) ([]O, error) {
	raw := q.Get("orderBy")
	if raw == "" {
		return nil, nil
	}
	var list []jsonOrder
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		var one jsonOrder
		if _, err := decodeJSON(q, "orderBy", &one); err != nil {
			return nil, err
		}
		list = []jsonOrder{one}
	}
	out := make([]O, 0, len(list))
	for _, o := range list {
		if o.Direction == "" {
			o.Direction = entgql.OrderDirectionAsc
		}
		if err := o.Direction.Validate(); err != nil {
			return nil, domain.Errorf(domain.CodeBadUserInput, "parameter orderBy: direction %q is neither ASC nor DESC", o.Direction)
		}
		v, err := field(o.Direction, o.Field)
		if err != nil {
			return nil, domain.Errorf(domain.CodeBadUserInput, "parameter orderBy: %v", err)
		}
		out = append(out, v)
	}
	return out, nil
}
