package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Fan-out: a thousand subscribers to the same subscription receive the same bytes for an
// event, so the payload is rendered once per group and handed to each of them. Who receives
// an event is still decided per subscriber, by the rule (the stream's pick, then the
// socket's viewer check), before any payload is looked up; sharing only saves rendering what
// he is already allowed to receive.
//
// A group is one operation (document, operation name, variables) in one language; when the
// selection may render differently for different viewers (derived from the generated code:
// see viewerFree), the viewer is part of the group too. Only streams whose value is the
// event itself (the same for every subscriber, whoever asks) are grouped at all: pump's
// caller says so by giving a group.
//
// How it hooks into gqlgen: the executable schema is wrapped (sharingSchema). For a
// subscription it puts a fanSlot in the context the resolver runs with; pump fills it with
// the subscriber's stream of events, so that the transport's goroutine pulls events itself
// (no goroutine and channel hop per event and subscriber) and runs gqlgen's execution only
// when the group's payload for that event is not rendered yet.

// fanSlot is how one subscription's stream (pump) and the schema's response loop meet.
type fanSlot struct {
	// next waits for the subscriber's next event (ok false: the stream ended, the
	// subscriber was dropped, or ctx ended) and keeps its value for feed.
	next func(ctx context.Context) (position int, ok bool)
	// feed hands the kept value to gqlgen's execution, which renders it on its next call.
	feed func()
	// group is the subscription's group ("": its payloads are never shared).
	group string
}

type fanSlotKey struct{}

func fanSlotFrom(ctx context.Context) *fanSlot {
	s, _ := ctx.Value(fanSlotKey{}).(*fanSlot)
	return s
}

// sharingSchema is the executable schema whose subscriptions share their payloads through
// fan.
type sharingSchema struct {
	graphql.ExecutableSchema
	fan *fanout
}

func (s sharingSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return s.ExecutableSchema.Exec(ctx)
	}
	slot := &fanSlot{}
	render := s.ExecutableSchema.Exec(context.WithValue(ctx, fanSlotKey{}, slot))
	if slot.next == nil {
		return render // refused, or a stream that does not go through pump
	}
	return func(ctx context.Context) *graphql.Response {
		pos, ok := slot.next(ctx)
		if !ok {
			return nil // the subscription completes
		}
		own := func() *graphql.Response {
			slot.feed()
			return render(ctx)
		}
		if slot.group == "" {
			return own()
		}
		return s.fan.response(ctx, pos, slot.group, own)
	}
}

// fanShared counts the payloads handed out without rendering, for the metrics and the
// tests: a count that stops growing while subscribers share a group means sharing broke.
var fanShared atomic.Int64

// FanoutShared is how many subscription payloads this process handed out from what another
// subscriber of the group had rendered.
func FanoutShared() int64 { return fanShared.Load() }

// fanout keeps the payloads rendered for the recent events, by position and group.
type fanout struct {
	mu     sync.Mutex
	byPos  map[int]map[string]*rendered
	newest int
}

// fanWindow is how many positions back payloads are kept: a subscriber is dropped before he
// falls this far behind (pubsub.DefaultBuffer), so the group's later members still find
// the payload its first member rendered.
const fanWindow = 1024

func newFanout() *fanout { return &fanout{byPos: map[int]map[string]*rendered{}} }

// rendered is the payload of one event for one group; data is nil when it may not be
// shared (its rendering reported errors, or was cut short): each member renders his own.
type rendered struct {
	done chan struct{}
	data []byte
}

// response is the response of event pos for a member of group: the group's payload when its
// first member rendered it, else own() (the member rendering it, for himself and the others).
func (f *fanout) response(ctx context.Context, pos int, group string, own func() *graphql.Response) *graphql.Response {
	f.mu.Lock()
	m := f.byPos[pos]
	if m == nil {
		m = map[string]*rendered{}
		f.byPos[pos] = m
		f.forget(pos)
	}
	r := m[group]
	if r == nil {
		r = &rendered{done: make(chan struct{})}
		m[group] = r
		f.mu.Unlock()
		resp := own()
		if resp != nil && len(resp.Errors) == 0 && len(graphql.GetErrors(ctx)) == 0 && len(resp.Data) > 0 {
			r.data = bytes.Clone(resp.Data) // gqlgen reuses its buffer for the next event
		}
		close(r.done)
		return resp
	}
	f.mu.Unlock()
	select {
	case <-r.done:
	case <-ctx.Done():
		return nil
	}
	if r.data == nil {
		return own()
	}
	fanShared.Add(1)
	return &graphql.Response{Data: r.data}
}

// forget drops the payloads of the positions past the window, once pos is the newest.
// Called with mu held.
func (f *fanout) forget(pos int) {
	if pos <= f.newest {
		return
	}
	f.newest = pos
	if len(f.byPos) <= 2*fanWindow {
		return
	}
	for p := range f.byPos {
		if p <= f.newest-fanWindow {
			delete(f.byPos, p)
		}
	}
}

// fanGroup is the group of the subscription resolved in ctx, for a stream whose values are
// the events themselves; "" when it cannot be told (then nothing is shared).
func fanGroup(ctx context.Context) string {
	oc := graphql.GetOperationContext(ctx)
	fc := graphql.GetFieldContext(ctx)
	if oc == nil || fc == nil || oc.RawQuery == "" {
		return ""
	}
	vars, err := json.Marshal(oc.Variables) // map keys sorted: equal variables, equal bytes
	if err != nil {
		return ""
	}
	group := strings.Join([]string{oc.OperationName, oc.RawQuery, string(vars), string(i18n.LangFrom(ctx))}, "\x00")
	if !viewerFree(ctx, oc, fc) {
		v := viewer.FromContext(ctx)
		if v == nil {
			return ""
		}
		group += "\x00" + fmt.Sprintf("%#v", *v)
	}
	return group
}

// runtimeDirectiveNames are the schema directives that act at run time, those the server
// implements (DirectiveRoot): a field under one of them may render differently per viewer.
var runtimeDirectiveNames = func() map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeFor[DirectiveRoot]()
	for i := range t.NumField() {
		out[strings.ToLower(t.Field(i).Name)] = true
	}
	return out
}()

func actsAtRunTime(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if runtimeDirectiveNames[strings.ToLower(d.Name)] {
			return true
		}
	}
	return false
}

// viewerFree reports whether the selection of the field of fc renders the same for every
// viewer given the same value: every field it selects is read from the value as it is (a
// struct field: neither a resolver nor a method, which may look at the context), without
// arguments or a directive acting at run time, down to the leaves. Derived from what gqlgen
// generated (the field contexts), so a field that gains a resolver or a directive stops
// being shared with no edit here.
func viewerFree(ctx context.Context, oc *graphql.OperationContext, fc *graphql.FieldContext) bool {
	def := fc.Field.Definition
	if def == nil || fc.Child == nil {
		return false
	}
	typ := parsedSchema.Types[def.Type.Name()]
	if typ == nil || typ.Kind != ast.Object || actsAtRunTime(typ.Directives) {
		return false
	}
	implements := append([]string{typ.Name}, typ.Interfaces...)
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, implements) {
		if f.Name == "__typename" {
			continue
		}
		if f.Definition == nil || len(f.Arguments) > 0 || len(f.Definition.Arguments) > 0 ||
			actsAtRunTime(f.Directives) || actsAtRunTime(f.Definition.Directives) {
			return false
		}
		if t := parsedSchema.Types[f.Definition.Type.Name()]; t == nil || actsAtRunTime(t.Directives) {
			return false
		}
		for _, iface := range typ.Interfaces {
			if idef := parsedSchema.Types[iface]; idef == nil ||
				(idef.Fields.ForName(f.Name) != nil && actsAtRunTime(idef.Fields.ForName(f.Name).Directives)) {
				return false
			}
		}
		child, err := fc.Child(ctx, f)
		if err != nil || child.IsMethod || child.IsResolver {
			return false
		}
		if len(f.Selections) > 0 && !viewerFree(ctx, oc, child) {
			return false
		}
	}
	return true
}
