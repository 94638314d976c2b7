# syntax=docker/dockerfile:1
# Multi-stage build: a static binary (no cgo: SQLite is pure Go) in a distroless image that
# runs as a non-root user.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/erp ./cmd/erp \
 && mkdir -p /out/data /out/uploads

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/erp /app/erp
COPY --from=build --chown=nonroot:nonroot /out/data /app/data
COPY --from=build --chown=nonroot:nonroot /out/uploads /app/uploads
ENV HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/app/data \
    UPLOAD_DIRECTORY=/app/uploads \
    LOG_FORMAT=json
USER nonroot:nonroot
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["/app/erp", "healthcheck"]
ENTRYPOINT ["/app/erp"]
CMD ["serve"]
