package export

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// enum is a value of one of the API's enumerations (internal/domain): it lists its values.
type enum interface{ Values() []string }

var enumType = reflect.TypeFor[enum]()

// checkEnums walks a decoded input and returns an error naming the first enumeration value
// that is none of its type's: JSON decoding takes any string where GraphQL would refuse it,
// and an unknown value would otherwise filter silently to nothing.
func checkEnums(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkEnums(v.Elem())
	case reflect.Slice:
		for i := range v.Len() {
			if err := checkEnums(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if err := checkEnums(v.Field(i)); err != nil {
					return err
				}
			}
		}
	case reflect.String:
		if v.Type().Implements(enumType) {
			values := v.Interface().(enum).Values()
			if !slices.Contains(values, v.String()) {
				return fmt.Errorf("%q is not a %s (%s)", v.String(), v.Type().Name(), strings.Join(values, ", "))
			}
		}
	}
	return nil
}
