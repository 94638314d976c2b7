package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mifmaroc/erp/internal/domain"
)

// GraphQL over HTTP, as the spec draft says (https://graphql.github.io/graphql-over-http/draft/):
// the transports below replace gqlgen's GET and POST ones, which read bodies without bound,
// echo undecodable bodies back, answer 422 or 406 where the spec wants 200, 400 or 405, and
// accept any media type on POST.

// MaxBodyBytes bounds the body of a JSON POST; uploads (multipart) have their own limit.
const MaxBodyBytes = 1 << 20

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// responseMedia is the media type of the answer: application/graphql-response+json when the
// client lists it in Accept, else application/json, the legacy format every client reads.
func responseMedia(r *http.Request) string {
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || mt != mediaGraphQLResponse {
			continue
		}
		if q, err := strconv.ParseFloat(params["q"], 64); err == nil && q == 0 {
			continue // explicitly refused
		}
		return mediaGraphQLResponse
	}
	return mediaJSON
}

// requestErrorStatus is the status of a well-formed request refused before execution
// (parse, validation, limits): with application/graphql-response+json the spec wants a 4xx
// since there is no data; legacy application/json clients expect 200.
func requestErrorStatus(media string) int {
	if media == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

// reply writes a response. A response that was not executed carries no data entry at all,
// which is how clients tell a refused request from one whose fields failed.
func reply(w http.ResponseWriter, media string, status int, resp *graphql.Response, executed bool) {
	var (
		b   []byte
		err error
	)
	if executed {
		buf := responseBuffers.Get().(*bytes.Buffer)
		defer releaseResponseBuffer(buf)
		err = encodeResponse(buf, resp)
		b = buf.Bytes()
	} else {
		b, err = json.Marshal(struct {
			Errors     gqlerror.List  `json:"errors"`
			Extensions map[string]any `json:"extensions,omitempty"`
		}{resp.Errors, resp.Extensions})
	}
	if err != nil {
		// Only a resolver's value that JSON cannot hold gets here; the data is lost anyway.
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	}
	h := w.Header()
	h.Set("Content-Type", media)
	h.Add("Vary", "Accept")
	// The whole body is at hand: with its length, net/http sends it as it is rather than in
	// chunks, in fewer writes.
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// responseBuffers keep the buffers answers are encoded into: a page of the list is tens of
// kilobytes, written once and dropped as soon as it is sent.
var responseBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledResponse bounds the buffers kept: a rare huge answer is not held for ever.
const maxPooledResponse = 1 << 20

func releaseResponseBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledResponse {
		b.Reset()
		responseBuffers.Put(b)
	}
}

// encodeResponse writes resp into b as encoding/json would, but copies the data as the
// executor wrote it: encoding/json validates and compacts a json.RawMessage again, a tenth
// of the CPU of a page of the list.
func encodeResponse(b *bytes.Buffer, resp *graphql.Response) error {
	if resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		// Incremental delivery: rare, keep the library's encoding.
		out, err := json.Marshal(resp)
		b.Write(out)
		return err
	}
	b.Grow(len(resp.Data) + 64)
	b.WriteByte('{')
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			return err
		}
		b.WriteString(`"errors":`)
		b.Write(errs)
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	if len(resp.Data) == 0 {
		b.WriteString("null")
	} else {
		b.Write(resp.Data)
	}
	if len(resp.Extensions) > 0 {
		ext, err := json.Marshal(resp.Extensions)
		if err != nil {
			return err
		}
		b.WriteString(`,"extensions":`)
		b.Write(ext)
	}
	b.WriteByte('}')
	return nil
}

// refuse answers a request that is not a GraphQL request we take, through the error
// presenter and response extensions (metrics) like any other error.
func refuse(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, status int, format string, args ...any) {
	err := &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": string(domain.CodeBadUserInput)},
	}
	reply(w, responseMedia(r), status, exec.DispatchError(r.Context(), gqlerror.List{err}), false)
}

// execute runs one operation and answers it. onlyQueries refuses mutations and
// subscriptions (GET) with 405, before they run.
func execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, onlyQueries bool) {
	ctx := r.Context()
	media := responseMedia(r)
	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// Capped before the presenter goes through them one by one.
		reply(w, media, requestErrorStatus(media), exec.DispatchError(graphql.WithOperationContext(ctx, oc), capErrors(errs)), false)
		return
	}
	switch op := oc.Operation.Operation; {
	case onlyQueries && op != ast.Query:
		w.Header().Set("Allow", http.MethodPost)
		refuse(w, r, exec, http.StatusMethodNotAllowed, "a %s cannot be sent with GET: use POST", op)
		return
	case op == ast.Subscription:
		// Over POST it would hold the request until the first event and stop there.
		reply(w, media, requestErrorStatus(media), exec.DispatchError(graphql.WithOperationContext(ctx, oc), gqlerror.List{{
			Message:    "subscriptions are served over websockets at /graphql (graphql-transport-ws)",
			Extensions: map[string]any{"code": string(domain.CodeBadUserInput)},
		}}), false)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	reply(w, media, http.StatusOK, responses(ctx), true)
}

// postJSON serves POST with an application/json body holding one operation.
type postJSON struct{}

func (postJSON) Supports(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && r.Header.Get("Upgrade") == "" && err == nil && mt == mediaJSON
}

func (postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	tooLarge := func() {
		refuse(w, r, exec, http.StatusRequestEntityTooLarge, "the request body is larger than %d bytes; send files with a multipart upload", MaxBodyBytes)
	}
	if r.ContentLength > MaxBodyBytes {
		tooLarge() // without reading a byte of it
		return
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, MaxBodyBytes), r.ContentLength)
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big):
		tooLarge()
		return
	case err != nil:
		refuse(w, r, exec, http.StatusBadRequest, "could not read the request body")
		return
	}
	params := &graphql.RawParams{}
	if msg := decodeParams(body, params); msg != "" {
		refuse(w, r, exec, http.StatusBadRequest, "%s", msg)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, params, false)
}

// readBody reads a body of the announced length into one buffer of that size: io.ReadAll
// grows its buffer a quarter at a time, allocating several times a large body's size.
func readBody(r io.Reader, length int64) ([]byte, error) {
	if length <= 0 {
		return io.ReadAll(r)
	}
	var b bytes.Buffer
	// ReadFrom wants room for one more read to see the end of the body.
	b.Grow(int(length) + bytes.MinRead)
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// decodeParams reads the body's one JSON object into params, or says what is wrong with it
// (never echoing the body).
func decodeParams(body []byte, params *graphql.RawParams) string {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return "the request body is empty: send a JSON object with query, and optionally variables and operationName"
	case trimmed[0] == '[':
		return "batching is not supported: send one operation per request"
	case trimmed[0] != '{':
		return "the request body must be a JSON object with query, and optionally variables and operationName"
	}
	// json.Unmarshal reads the body where it is, where a json.Decoder would copy it into a
	// buffer grown by doubling: several times the size of a large body.
	var wire struct {
		Query         string          `json:"query"`
		OperationName string          `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
		DocumentID    string          `json:"documentId"`
	}
	if err := json.Unmarshal(trimmed, &wire); err != nil {
		if syntax := (*json.SyntaxError)(nil); errors.As(err, &syntax) && strings.HasSuffix(syntax.Error(), "after top-level value") {
			return "the request body must hold one JSON object only: batching is not supported"
		}
		return fmt.Sprintf("the request body is not a valid GraphQL request: %v", err)
	}
	params.Query, params.OperationName = wire.Query, wire.OperationName
	if msg := decodeObject("variables", wire.Variables, &params.Variables); msg != "" {
		return msg
	}
	if msg := decodeObject("extensions", wire.Extensions, &params.Extensions); msg != "" {
		return msg
	}
	return withDocumentID(params, wire.DocumentID)
}

// withDocumentID makes documentId, which graphql-codegen's clients send for a persisted
// document, the persisted query hash it is: one lookup, automatic persisted queries' or the
// trusted documents', serves both.
func withDocumentID(params *graphql.RawParams, id string) string {
	if id == "" {
		return ""
	}
	if _, ok := params.Extensions["persistedQuery"]; ok {
		return "send either documentId or extensions.persistedQuery, not both"
	}
	if params.Extensions == nil {
		params.Extensions = map[string]any{}
	}
	params.Extensions["persistedQuery"] = map[string]any{"version": 1, "sha256Hash": id}
	return ""
}

// MaxJSONValues bounds the values of a request's variables (and of its extensions): each
// becomes a Go value several times the size of its text (see docs/decisions.md, "Limits
// before execution").
const MaxJSONValues = 10_000

// decodeObject decodes the variables or extensions of a request (name), numbers kept exact
// as gqlgen wants them; absent or null leaves into nil.
func decodeObject(name string, raw []byte, into *map[string]any) string {
	if len(raw) == 0 {
		return ""
	}
	if jsonValues(raw) > MaxJSONValues {
		return fmt.Sprintf("%s holds more than %d values", name, MaxJSONValues)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // as gqlgen does, so that Int variables keep their exact value
	if err := dec.Decode(into); err != nil {
		return fmt.Sprintf("%s is not a JSON object: %v", name, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Sprintf("%s is not a JSON object: it is followed by more", name)
	}
	return ""
}

// jsonValues is an upper bound of the values in a JSON text: one, and one more per comma
// and opening bracket outside strings.
func jsonValues(b []byte) int {
	n, inString, escaped := 1, false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString:
			escaped = c == '\\'
			inString = c != '"'
		case c == '"':
			inString = true
		case c == ',' || c == '[' || c == '{':
			n++
		}
	}
	return n
}

// get serves GET /graphql?query=…&variables=… (or documentId=… for a persisted document);
// queries only.
type get struct{}

func (get) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

func (get) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		refuse(w, r, exec, http.StatusBadRequest, "the URL's query string is malformed")
		return
	}
	params := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName"), Headers: r.Header}
	for name, into := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		if msg := decodeObject(name, []byte(q.Get(name)), into); msg != "" {
			refuse(w, r, exec, http.StatusBadRequest, "%s", msg)
			return
		}
	}
	if msg := withDocumentID(params, q.Get("documentId")); msg != "" {
		refuse(w, r, exec, http.StatusBadRequest, "%s", msg)
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, params, true)
}

// uploads serves multipart requests (the GraphQL multipart request spec) only when they
// carry a header that an HTML form cannot send, so a page on another site cannot make a
// browser post one: a multipart body is a "simple" request that skips CORS preflight.
type uploads struct{ transport.MultipartForm }

func (u uploads) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	bearer := strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) != ""
	if !bearer && r.Header.Get("Apollo-Require-Preflight") == "" {
		refuse(w, r, exec, http.StatusBadRequest,
			"a multipart request needs an Authorization: Bearer header or an Apollo-Require-Preflight header (protection against cross-site request forgery)")
		return
	}
	limit := u.MaxUploadSize
	if r.ContentLength > limit {
		refuseWith(w, r, exec, http.StatusRequestEntityTooLarge, uploadTooLarge(limit))
		return
	}
	// gqlgen's transport answers its own refusals (a malformed form, a body cut short or too
	// long, a temporary file it could not write) with neither a code nor the status this
	// API gives them: its answer is held, and such a refusal answered again here.
	body := &uploadBody{ReadCloser: r.Body}
	r.Body = body
	held := &heldResponse{header: w.Header()}
	watched := &watchedExecutor{GraphExecutor: exec}
	u.MultipartForm.Do(held, r, watched)
	var answer struct {
		Errors gqlerror.List `json:"errors"`
	}
	_ = json.Unmarshal(held.body.Bytes(), &answer)
	switch {
	case len(answer.Errors) > 0 && answer.Errors[0].Extensions["code"] == nil:
		msg := answer.Errors[0].Message
		switch {
		case body.read > limit || strings.Contains(msg, "too large"):
			refuseWith(w, r, exec, http.StatusRequestEntityTooLarge, uploadTooLarge(limit))
		case body.err == nil && strings.Contains(msg, "temp file"):
			refuseWith(w, r, exec, http.StatusInternalServerError,
				&domain.Error{Code: domain.CodeInternal, Message: "the upload could not be kept for the request: try again", Err: errors.New(msg)})
		default:
			refuseWith(w, r, exec, http.StatusBadRequest,
				domain.Errorf(domain.CodeBadUserInput, "%s (see the GraphQL multipart request specification)", msg))
		}
	case watched.refused:
		// Refused before running (parse, validation, variables): answered as the other
		// transports do, without data.
		media := responseMedia(r)
		reply(w, media, requestErrorStatus(media), &graphql.Response{Errors: answer.Errors}, false)
	default:
		w.WriteHeader(held.status)
		_, _ = w.Write(held.body.Bytes())
	}
}

func uploadTooLarge(limit int64) *domain.Error {
	return domain.Errorf(domain.CodeBadUserInput,
		"the request is larger than %d bytes: the upload limit (MAX_UPLOAD_SIZE_MB) and room for the form's other parts", limit)
}

// refuseWith answers a request refused before running with err, classified and presented
// by the error presenter like any other error.
func refuseWith(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, status int, err error) {
	reply(w, responseMedia(r), status, exec.DispatchError(r.Context(), gqlerror.List{gqlerror.WrapPath(nil, err)}), false)
}

// uploadBody counts what is read of a multipart body and keeps its first read error.
type uploadBody struct {
	io.ReadCloser
	read int64
	err  error
}

func (b *uploadBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && b.err == nil {
		b.err = err
	}
	return n, err
}

// watchedExecutor tells whether the operation was refused before it ran.
type watchedExecutor struct {
	graphql.GraphExecutor
	refused bool
}

func (e *watchedExecutor) CreateOperationContext(ctx context.Context, params *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	oc, errs := e.GraphExecutor.CreateOperationContext(ctx, params)
	e.refused = errs != nil
	return oc, errs
}

// heldResponse keeps a response instead of sending it.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header { return h.header }

func (h *heldResponse) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *heldResponse) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return h.body.Write(b)
}

// unsupported takes whatever no other transport took: other media types on POST
// (form-encoded and text/plain bodies, which browsers send cross-site without preflight)
// and other methods.
type unsupported struct{}

func (unsupported) Supports(*http.Request) bool { return true }

func (unsupported) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if r.Method == http.MethodPost {
		refuse(w, r, exec, http.StatusUnsupportedMediaType,
			"Content-Type %q is not accepted: send application/json (multipart/form-data for uploads)", r.Header.Get("Content-Type"))
		return
	}
	w.Header().Set("Allow", "GET, POST, OPTIONS")
	refuse(w, r, exec, http.StatusMethodNotAllowed, "method %s is not allowed: use POST (or GET for queries)", r.Method)
}
