// Package evidence stores case evidence files (scanned ID cards, certificates, contracts) in a
// private MinIO bucket. Uploads are streamed: their type is sniffed from the first bytes, their
// size is limited and their SHA-256 is computed on the way through, and a failed upload leaves
// nothing behind.
package evidence

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// ErrTooLarge is returned by Put when the upload exceeds its size limit.
var ErrTooLarge = errors.New("evidence: upload exceeds the size limit")

// ErrUnsupportedType is returned by Put when the content is not a PDF, JPEG or PNG.
var ErrUnsupportedType = errors.New("evidence: unsupported file type (only PDF, JPEG and PNG are accepted)")

const (
	// sniffLen is how much net/http.DetectContentType looks at.
	sniffLen = 512
	// partSize bounds the memory of one upload: with an unknown size minio-go buffers one part
	// at a time and would otherwise choose parts of about 500 MiB.
	partSize = 8 << 20
	// metaUpload holds a random id of the Put that wrote the object, so clean-up after a
	// failure removes only the object this Put wrote, never an older one under the same key.
	metaUpload = "Upload-Id"
	// cleanupTimeout bounds the clean-up after a failed Put, which runs even when the caller's
	// context is already cancelled.
	cleanupTimeout = 30 * time.Second
)

// allowedTypes are the content types Put accepts, as returned by http.DetectContentType.
var allowedTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// Store keeps evidence objects in one private bucket.
type Store struct {
	client *minio.Client
	bucket string
}

// Upload describes a stored evidence object.
type Upload struct {
	Key         string // object key
	SHA256      string // lower-case hex SHA-256 of the content
	ContentType string // sniffed type: application/pdf, image/jpeg or image/png
	Size        int64  // bytes stored
}

// New connects to MinIO at endpoint (host:port) and creates bucket if it is missing. The bucket
// is left private: no anonymous access policy is set.
func New(ctx context.Context, endpoint, accessKey, secretKey string, useSSL bool, bucket string) (*Store, error) {
	client, err := minio.New(endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(accessKey, secretKey, ""),
		Secure: useSSL,
	})
	if err != nil {
		return nil, fmt.Errorf("evidence: minio client: %w", err)
	}
	exists, err := client.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("evidence: check bucket %q: %w", bucket, err)
	}
	if !exists {
		if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
			// Another instance may have created it meanwhile.
			if ok, err2 := client.BucketExists(ctx, bucket); err2 != nil || !ok {
				return nil, fmt.Errorf("evidence: create bucket %q: %w", bucket, err)
			}
		}
	}
	return &Store{client: client, bucket: bucket}, nil
}

// streamThreads is how many parts of one upload are sent at once.
const streamThreads = 3

// Put streams r into the object key after checking by content that it is a PDF, JPEG or PNG
// (ErrUnsupportedType otherwise) and that it holds at most limit bytes (ErrTooLarge otherwise).
// Memory use does not grow with the size of the body. On any error no object written by this
// call remains under key and its multipart upload is aborted; an object stored earlier under
// key is left as it was.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, limit int64) (Upload, error) {
	if limit <= 0 {
		return Upload{}, fmt.Errorf("evidence: put %q: limit must be positive, got %d", key, limit)
	}
	if err := ctx.Err(); err != nil {
		return Upload{}, fmt.Errorf("evidence: put %q: %w", key, err)
	}
	head := make([]byte, sniffLen)
	n, ended, err := readHead(r, head)
	if err != nil {
		return Upload{}, fmt.Errorf("evidence: put %q: read: %w", key, err)
	}
	head = head[:n]
	if int64(n) > limit {
		return Upload{}, fmt.Errorf("evidence: put %q: %w (limit %d bytes)", key, ErrTooLarge, limit)
	}
	ctype, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	if !allowedTypes[ctype] {
		return Upload{}, fmt.Errorf("evidence: put %q: %w (detected %s)", key, ErrUnsupportedType, ctype)
	}

	uploadID := rand.Text()
	body := &guardReader{ctx: ctx, r: bytes.NewReader(head), limit: limit, hash: sha256.New()}
	if !ended {
		body.r = io.MultiReader(body.r, r)
	}

	fail := func(err error) (Upload, error) {
		s.cleanup(ctx, key, uploadID)
		if berr := body.failure(); berr != nil {
			// The body's own error (too large, read error, cancelled) is the cause; minio-go may
			// have returned it as is or reported a consequence of it.
			err = berr
		}
		if errors.Is(err, ErrTooLarge) {
			return Upload{}, fmt.Errorf("evidence: put %q: %w (limit %d bytes)", key, err, limit)
		}
		return Upload{}, fmt.Errorf("evidence: put %q: %w", key, err)
	}

	info, err := s.client.PutObject(ctx, s.bucket, key, body, -1, minio.PutObjectOptions{
		ContentType:  ctype,
		PartSize:     partSize,
		UserMetadata: map[string]string{metaUpload: uploadID},
		// Parts go up concurrently: streamThreads buffers of partSize bytes bound the memory.
		ConcurrentStreamParts: true,
		NumThreads:            streamThreads,
	})
	if err != nil {
		return fail(err)
	}
	if berr := body.failure(); berr != nil || !body.eof || info.Size != body.n {
		if berr == nil {
			berr = fmt.Errorf("stored %d bytes but read %d (finished: %t)", info.Size, body.n, body.eof)
		}
		return fail(berr)
	}
	sum := hex.EncodeToString(body.hash.Sum(nil))

	// The hash lives in the evidence record in PostgreSQL, the source of truth; storing it as
	// object metadata would need a server-side copy of the whole object after the upload.
	return Upload{Key: key, SHA256: sum, ContentType: ctype, Size: body.n}, nil
}

// cleanup removes what a failed Put may have left: any incomplete multipart upload under key
// (minio-go normally aborts its own already) and the object under key if this Put wrote it,
// which can happen when the failure came after the upload completed. It runs detached from
// the caller's cancellation, with its own timeout.
func (s *Store) cleanup(ctx context.Context, key, uploadID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_ = s.client.RemoveIncompleteUpload(ctx, s.bucket, key)
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return // not found, or unreachable: nothing we can safely remove
	}
	if info.Metadata.Get("X-Amz-Meta-"+metaUpload) == uploadID {
		_ = s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	}
}

// Remove deletes the object key. Removing a missing object is not an error.
func (s *Store) Remove(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("evidence: remove %q: %w", key, err)
	}
	return nil
}

// Open returns a streaming reader of the object key and its size. The caller must close the
// reader, and ctx must stay alive while reading.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	core := minio.Core{Client: s.client}
	rc, info, _, err := core.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, fmt.Errorf("evidence: open %q: %w", key, err)
	}
	return rc, info.Size, nil
}

// PresignGet returns a URL, valid for ttl (1 second to 7 days), from which the object key can
// be downloaded without credentials as an attachment named filename.
func (s *Store) PresignGet(ctx context.Context, key, filename string, ttl time.Duration) (*url.URL, error) {
	params := url.Values{}
	params.Set("response-content-disposition", contentDisposition(filename))
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, ttl, params)
	if err != nil {
		return nil, fmt.Errorf("evidence: presign %q: %w", key, err)
	}
	return u, nil
}

// Ready reports whether the bucket can be reached (for /readyz).
func (s *Store) Ready(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("evidence: bucket %q: %w", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("evidence: bucket %q does not exist", s.bucket)
	}
	return nil
}

// PutRaw stores r under key with a plain minio PutObject and no checks (a benchmark baseline).
func (s *Store) PutRaw(ctx context.Context, key string, r io.Reader, size int64) error {
	if _, err := s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{}); err != nil {
		return fmt.Errorf("evidence: put raw %q: %w", key, err)
	}
	return nil
}

// contentDisposition builds an attachment header value for filename, reduced to its last path
// element and stripped of control characters; non-ASCII names use RFC 2231 encoding.
func contentDisposition(filename string) string {
	if i := strings.LastIndexAny(filename, `/\`); i >= 0 {
		filename = filename[i+1:]
	}
	filename = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, filename)
	if filename == "" {
		return "attachment"
	}
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": filename}); v != "" {
		return v
	}
	return "attachment"
}

// readHead fills buf from r like io.ReadFull, tolerating a short body (ended reports that r hit
// EOF), but unlike io.ReadFull it never drops an error returned together with the last bytes.
func readHead(r io.Reader, buf []byte) (n int, ended bool, err error) {
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, true, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, false, nil
}

// guardReader passes the upload body through while counting and hashing it. It fails once more
// than limit bytes have been seen or ctx is done, and it keeps returning its first error, so
// minio-go, which ignores an error returned together with a full buffer, still sees it on its
// next read and aborts the upload.
type guardReader struct {
	ctx   context.Context
	r     io.Reader
	limit int64
	hash  hash.Hash
	n     int64 // bytes passed on
	eof   bool  // the body ended cleanly
	err   error // first error, sticky
}

func (g *guardReader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if g.eof {
		return 0, io.EOF
	}
	if err := g.ctx.Err(); err != nil {
		g.err = err
		return 0, err
	}
	n, err := g.r.Read(p)
	if g.n+int64(n) > g.limit {
		g.err = ErrTooLarge
		return 0, g.err
	}
	g.n += int64(n)
	g.hash.Write(p[:n])
	switch {
	case err == io.EOF:
		g.eof = true
	case err != nil:
		g.err = err
	}
	return n, err
}

// failure returns the error the body failed with, if any.
func (g *guardReader) failure() error { return g.err }

// Count returns how many objects are stored under a key prefix (used by tests to prove that a
// refused upload left nothing behind, and by operators).
func (s *Store) Count(ctx context.Context, prefix string) (int, error) {
	n := 0
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return 0, obj.Err
		}
		n++
	}
	return n, nil
}
