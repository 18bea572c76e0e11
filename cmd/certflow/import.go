package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// importView is the part of GET /imports/{id} the command shows.
type importView struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Size       int64  `json:"size"`
	BytesRead  int64  `json:"bytes_read"`
	RowsRead   int64  `json:"rows_read"`
	Imported   int64  `json:"imported"`
	Duplicates int64  `json:"duplicates"`
	Rejected   int64  `json:"rejected"`
	Failure    string `json:"failure"`
	Errors     []struct {
		Line    int64  `json:"line"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// runImport uploads FILE as an import of KIND to a running certflow API and follows it to the
// end, drawing its progress on stderr; it fails when the import fails.
func runImport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	api := fs.String("api", "http://localhost:8080", "the certflow API (its base URL, with or without /api/v1)")
	poll := fs.Duration("poll", 500*time.Millisecond, "how often to ask for the progress")
	show := fs.Int("errors", 20, "how many of the first rejected rows to list")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: certflow import [--api URL] KIND FILE\n\nKIND is registrations, enterprises or education; an admin token comes from CERTFLOW_TOKEN.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return errors.New("need KIND and FILE")
	}
	token := strings.TrimSpace(os.Getenv("CERTFLOW_TOKEN"))
	if token == "" {
		return errors.New("CERTFLOW_TOKEN is not set: an admin token (make run prints $ADMIN; or certflow token --role admin --sub you)")
	}
	c := &importClient{base: strings.TrimSuffix(strings.TrimSuffix(*api, "/"), "/api/v1") + "/api/v1", token: token}
	fmt.Fprintf(os.Stderr, "uploading %s…\n", fs.Arg(1))
	v, err := c.upload(ctx, fs.Arg(0), fs.Arg(1))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "import %s started\n", v.ID)
	v, err = c.follow(ctx, v.ID, *poll, newProgressLine(os.Stderr))
	if err != nil {
		return err
	}
	fmt.Printf("import %s %s: %d rows read, %d imported, %d duplicates, %d rejected\n",
		v.ID, v.Status, v.RowsRead, v.Imported, v.Duplicates, v.Rejected)
	for i, e := range v.Errors {
		if i == *show {
			fmt.Printf("  … (GET /api/v1/imports/%s lists the first 100)\n", v.ID)
			break
		}
		fmt.Printf("  line %d: %s: %s\n", e.Line, e.Code, e.Message)
	}
	if v.Status == "failed" {
		return fmt.Errorf("the import failed: %s", v.Failure)
	}
	return nil
}

// importClient talks to the imports API.
type importClient struct {
	base, token string
}

// upload streams the file as a multipart form with its exact Content-Length (the server
// refuses an oversize file before reading it).
func (c *importClient) upload(ctx context.Context, kind, path string) (importView, error) {
	f, err := os.Open(path)
	if err != nil {
		return importView{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return importView{}, err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("kind", kind); err != nil {
		return importView{}, err
	}
	if _, err := mw.CreateFormFile("file", filepath.Base(path)); err != nil {
		return importView{}, err
	}
	head := bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := mw.Close(); err != nil {
		return importView{}, err
	}
	tail := buf.Bytes()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/imports",
		io.MultiReader(bytes.NewReader(head), f, bytes.NewReader(tail)))
	if err != nil {
		return importView{}, err
	}
	req.ContentLength = int64(len(head)) + st.Size() + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var v importView
	return v, c.do(req, http.StatusAccepted, &v)
}

// follow polls the import until it ends, reporting each view to show.
func (c *importClient) follow(ctx context.Context, id string, every time.Duration, show func(importView)) (importView, error) {
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/imports/"+id, nil)
		if err != nil {
			return importView{}, err
		}
		var v importView
		if err := c.do(req, http.StatusOK, &v); err != nil {
			return v, err
		}
		show(v)
		if v.Status != "running" {
			return v, nil
		}
		select {
		case <-ctx.Done():
			return v, fmt.Errorf("stopped following import %s (it goes on in the server): %w", id, ctx.Err())
		case <-time.After(every):
		}
	}
}

// do sends req with the token and decodes the answer, which must have status want; a problem
// answer becomes an error with its detail.
func (c *importClient) do(req *http.Request, want int, v any) error {
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		var p struct{ Code, Detail string }
		if json.Unmarshal(body, &p) == nil && p.Code != "" {
			return fmt.Errorf("%s %s: %d %s: %s", req.Method, req.URL.Path, resp.StatusCode, p.Code, p.Detail)
		}
		return fmt.Errorf("%s %s: %s", req.Method, req.URL.Path, resp.Status)
	}
	return json.Unmarshal(body, v)
}

// newProgressLine returns a function drawing an import's progress as one carriage-return line:
// a bar of the bytes committed, the rows so far and the rows per second.
func newProgressLine(w io.Writer) func(importView) {
	start := time.Now()
	var first int64 = -1
	return func(v importView) {
		if first < 0 {
			first = v.RowsRead
		}
		const width = 30
		frac := 0.0
		if v.Size > 0 {
			frac = min(1, float64(v.BytesRead)/float64(v.Size))
		}
		if v.Status == "succeeded" {
			frac = 1
		}
		filled := int(frac * width)
		rate := float64(v.RowsRead-first) / max(time.Since(start).Seconds(), 1e-3)
		fmt.Fprintf(w, "\r[%s%s] %3.0f%% %d rows (%d imported, %d duplicates, %d rejected) %.0f rows/s ",
			strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100,
			v.RowsRead, v.Imported, v.Duplicates, v.Rejected, rate)
		if v.Status != "running" {
			fmt.Fprintln(w)
		}
	}
}
