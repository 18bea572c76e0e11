// Package evidence stores case evidence files (scanned ID cards, certificates, contracts) in a
// private MinIO bucket. Uploads are streamed: their type is sniffed from the first bytes, which
// must not look executable, their structure is checked from a bounded view of the stream, their
// size is limited and their SHA-256 is computed on the way through, and a failed upload leaves
// nothing behind. Errors tell the client's fault (ErrTooLarge, ErrUnsupportedType, ErrBadBody)
// from the store's (ErrUnavailable).
package evidence

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
)

const (
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
	VersionID   string // the object version written (Retain locks it)
}

// streamThreads is how many parts of one upload are sent at once.
const streamThreads = 3

// Put streams r into the object key after checking by content that it is a well-formed PDF,
// JPEG or PNG without executable signatures (ErrUnsupportedType otherwise) and that it holds at
// most limit bytes (ErrTooLarge otherwise). A failing r yields ErrBadBody, an unreachable or
// failing MinIO ErrUnavailable (within about answerTimeout when it does not answer at all), and
// a done ctx its context error. Memory use does not grow with the size of the body. On any error
// no object written by this call remains under key and its multipart upload is aborted; an
// object stored earlier under key is left as it was.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, limit int64) (Upload, error) {
	return s.put(ctx, key, r, limit, checkHead)
}

// put streams r into the object key once check accepted its head and named its content type.
func (s *Store) put(ctx context.Context, key string, r io.Reader, limit int64, check func([]byte) (string, error)) (Upload, error) {
	if limit <= 0 {
		return Upload{}, fmt.Errorf("evidence: put %q: limit must be positive, got %d", key, limit)
	}
	if err := ctx.Err(); err != nil {
		return Upload{}, fmt.Errorf("evidence: put %q: %w", key, err)
	}
	head := make([]byte, headLen)
	n, ended, err := readHead(r, head)
	if err != nil {
		return Upload{}, fmt.Errorf("evidence: put %q: read: %w", key, bodyErr(ctx, err))
	}
	head = head[:n]
	if int64(n) > limit {
		return Upload{}, fmt.Errorf("evidence: put %q: %w (limit %d bytes)", key, ErrTooLarge, limit)
	}
	ctype, err := check(head)
	if err != nil {
		return Upload{}, fmt.Errorf("evidence: put %q: %w", key, err)
	}
	// Nothing has been sent yet, so an unreachable server needs no clean-up.
	if err := s.reachable(ctx); err != nil {
		return Upload{}, fmt.Errorf("evidence: put %q: %w", key, err)
	}

	// Most scans are small: read up to wholeLimit bytes, and a body that ends within them is
	// stored with its size in one request, without the part buffers of a stream.
	prefix := head
	if !ended {
		buf := wholeBuffers.Get().(*[]byte)
		defer wholeBuffers.Put(buf)
		copy(*buf, head)
		m, more, err := readHead(r, (*buf)[n:])
		if err != nil {
			return Upload{}, fmt.Errorf("evidence: put %q: read: %w", key, bodyErr(ctx, err))
		}
		prefix, ended = (*buf)[:n+m], more
	}
	uploadID := rand.Text()
	body := &guardReader{ctx: ctx, r: bytes.NewReader(prefix), limit: limit, hash: sha256.New(),
		check: newStructureCheck(ctype)}
	if !ended {
		body.r = io.MultiReader(body.r, r)
	}

	fail := func(err error) (Upload, error) {
		s.cleanup(ctx, key, uploadID)
		if berr := body.failure(); berr != nil {
			// The body's own error (too large, malformed, read error, cancelled) is the cause;
			// minio-go may have returned it as is or reported a consequence of it.
			err = berr
		} else {
			err = storageErr(ctx, err)
		}
		if errors.Is(err, ErrTooLarge) {
			return Upload{}, fmt.Errorf("evidence: put %q: %w (limit %d bytes)", key, err, limit)
		}
		return Upload{}, fmt.Errorf("evidence: put %q: %w", key, err)
	}

	if ended {
		return s.putWhole(ctx, key, prefix, body, ctype, uploadID, fail)
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
	return Upload{Key: key, SHA256: sum, ContentType: ctype, Size: body.n, VersionID: info.VersionID}, nil
}

// wholeLimit is the largest body stored in one request with its size; larger ones stream in
// parts.
const wholeLimit = 2 << 20

// wholeBuffers hold the first wholeLimit bytes of an upload; reused, so a small upload costs
// neither an allocation nor its clearing.
var wholeBuffers = sync.Pool{New: func() any { b := make([]byte, wholeLimit); return &b }}

// putWhole stores a body of at most wholeLimit bytes (most scans), all in whole: it is checked
// and hashed in full first, then sent with its size in one request — without the part buffers
// a stream of unknown length needs.
func (s *Store) putWhole(ctx context.Context, key string, head []byte, body *guardReader, ctype, uploadID string,
	fail func(error) (Upload, error)) (Upload, error) {
	if _, err := io.Copy(io.Discard, body); err != nil || !body.eof {
		if err == nil {
			err = fmt.Errorf("the body did not end")
		}
		return fail(err)
	}
	info, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(head), int64(len(head)), minio.PutObjectOptions{
		ContentType: ctype, UserMetadata: map[string]string{metaUpload: uploadID}})
	if err != nil {
		return fail(err)
	}
	if info.Size != int64(len(head)) {
		return fail(fmt.Errorf("stored %d bytes of %d", info.Size, len(head)))
	}
	return Upload{Key: key, SHA256: hex.EncodeToString(body.hash.Sum(nil)), ContentType: ctype, Size: body.n,
		VersionID: info.VersionID}, nil
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
		// The version itself, so no noncurrent version stays behind a delete marker.
		_ = s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{VersionID: info.VersionID})
	}
}

// Open returns a streaming reader of the object key and its size. The caller must close the
// reader, and ctx must stay alive while reading. An unreachable or failing MinIO yields
// ErrUnavailable, within answerTimeout when it does not answer; a missing object yields
// minio's NoSuchKey error response.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	return s.OpenAt(ctx, key, 0)
}

// OpenAt is Open from byte offset on (a ranged read); the size is what remains from there.
func (s *Store) OpenAt(ctx context.Context, key string, offset int64) (io.ReadCloser, int64, error) {
	opts := minio.GetObjectOptions{}
	if offset > 0 {
		if err := opts.SetRange(offset, 0); err != nil {
			return nil, 0, fmt.Errorf("evidence: open %q: %w", key, err)
		}
	}
	// The deadline covers only the wait for the answer's headers, not reading the object.
	octx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(answerTimeout, cancel)
	core := minio.Core{Client: s.client}
	rc, info, _, err := core.GetObject(octx, s.bucket, key, opts)
	if !timer.Stop() {
		if err == nil {
			rc.Close()
		}
		cancel()
		if cerr := ctx.Err(); cerr != nil {
			return nil, 0, fmt.Errorf("evidence: open %q: %w", key, cerr)
		}
		return nil, 0, fmt.Errorf("evidence: open %q: %w: no answer within %s", key, ErrUnavailable, answerTimeout)
	}
	if err != nil {
		cancel()
		return nil, 0, fmt.Errorf("evidence: open %q: %w", key, storageErr(ctx, err))
	}
	return &cancelOnClose{ReadCloser: rc, cancel: cancel}, info.Size, nil
}

// cancelOnClose releases the context of an opened object when its reader is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

// Close closes the object reader and releases its context.
func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// PresignGet returns a URL, valid for ttl (1 second to 7 days), from which the object key can
// be downloaded without credentials as an attachment named filename. It needs no network round
// trip, so it works while MinIO is unreachable.
func (s *Store) PresignGet(ctx context.Context, key, filename string, ttl time.Duration) (*url.URL, error) {
	params := url.Values{}
	params.Set("response-content-disposition", contentDisposition(filename))
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, ttl, params)
	if err != nil {
		return nil, fmt.Errorf("evidence: presign %q: %w", key, storageErr(ctx, err))
	}
	return u, nil
}

// Ready reports whether the bucket can be reached (for /readyz): ErrUnavailable when MinIO
// does not answer within answerTimeout or fails.
func (s *Store) Ready(ctx context.Context) error {
	ok, err := s.bucketExists(ctx)
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
		return fmt.Errorf("evidence: put raw %q: %w", key, storageErr(ctx, err))
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

// Count returns how many object versions (delete markers included) are stored under a key
// prefix (used by tests to prove that a refused upload left nothing behind, and by operators).
func (s *Store) Count(ctx context.Context, prefix string) (int, error) {
	n := 0
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true, WithVersions: true}) {
		if obj.Err != nil {
			return 0, fmt.Errorf("evidence: count %q: %w", prefix, storageErr(ctx, obj.Err))
		}
		n++
	}
	return n, nil
}
