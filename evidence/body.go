package evidence

import (
	"context"
	"hash"
	"io"
)

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

// guardReader passes the upload body through while counting, hashing and checking it. It fails
// once more than limit bytes have been seen, ctx is done, the reader fails (ErrBadBody) or the
// check finds the content malformed, and it keeps returning its first error, so minio-go, which
// ignores an error returned together with a full buffer, still sees it on its next read and
// aborts the upload.
type guardReader struct {
	ctx   context.Context
	r     io.Reader
	limit int64
	hash  hash.Hash
	check *structureCheck
	n     int64 // bytes passed on
	eof   bool  // the body ended cleanly and passed the check
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
	if cerr := g.check.write(p[:n]); cerr != nil {
		g.err = cerr
		return 0, g.err
	}
	g.n += int64(n)
	g.hash.Write(p[:n])
	switch {
	case err == io.EOF:
		if cerr := g.check.finish(); cerr != nil {
			g.err = cerr
			return 0, g.err
		}
		g.eof = true
	case err != nil:
		g.err = bodyErr(g.ctx, err)
		return n, g.err
	}
	return n, err
}

// failure returns the error the body failed with, if any.
func (g *guardReader) failure() error { return g.err }
