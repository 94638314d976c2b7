package render

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Sorted is rows (ent entities, by pointer) in the order of a list edge (shape.Edge.Order):
// by those columns, ascending, read through the ent struct's JSON tags. It is for the lists
// that entgql's field collection reads without order, so that every path serves an edge's
// rows in the one order its schema declares. rows is returned as it is when already in
// order, else sorted in a copy (other fields may be reading it). Columns of kinds other than
// integers, strings and times are not compared.
func Sorted[V any](rows []V, order []string) []V {
	if len(rows) < 2 || len(order) == 0 {
		return rows
	}
	t := reflect.TypeFor[V]()
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return rows
	}
	var fields [][]int
	for _, col := range order {
		if f, ok := fieldOf(t.Elem(), col); ok {
			fields = append(fields, f.Index)
		}
	}
	compare := func(a, b V) int {
		va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
		for _, i := range fields {
			if c := compareValues(va.FieldByIndex(i), vb.FieldByIndex(i)); c != 0 {
				return c
			}
		}
		return 0
	}
	if slices.IsSortedFunc(rows, compare) {
		return rows
	}
	out := slices.Clone(rows)
	slices.SortStableFunc(out, compare)
	return out
}

// fieldOf is the field of the ent struct t whose JSON name is column.
func fieldOf(t reflect.Type, column string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == column && f.IsExported() {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func compareValues(a, b reflect.Value) int {
	for a.Kind() == reflect.Pointer {
		switch {
		case a.IsNil() && b.IsNil():
			return 0
		case a.IsNil(): // NULL last, as PostgreSQL sorts ascending
			return 1
		case b.IsNil():
			return -1
		}
		a, b = a.Elem(), b.Elem()
	}
	switch {
	case a.Type() == reflect.TypeFor[time.Time]():
		return a.Interface().(time.Time).Compare(b.Interface().(time.Time))
	case a.CanInt():
		return cmp.Compare(a.Int(), b.Int())
	case a.CanUint():
		return cmp.Compare(a.Uint(), b.Uint())
	case a.Kind() == reflect.String:
		return cmp.Compare(a.String(), b.String())
	}
	return 0
}
