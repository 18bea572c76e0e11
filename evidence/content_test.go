package evidence

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

// --- sample files for the content checks ---

// withSegment inserts a JPEG marker segment (marker 0xff, m) holding data right after the SOI
// marker of jpg.
func withSegment(jpg []byte, m byte, data []byte) []byte {
	seg := []byte{0xff, m, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(data)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, data...)
	return append(out, jpg[2:]...)
}

// withAppSegments puts APP1 segments of about n bytes in total before the header of jpg.
func withAppSegments(jpg []byte, n int) []byte {
	for n > 0 {
		size := min(n, 0xfff0)
		jpg = withSegment(jpg, 0xe1, bytes.Repeat([]byte{'x'}, size))
		n -= size + 4
	}
	return jpg
}

// largePNG returns a PNG that is larger than the prefix kept to decode image headers.
func largePNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 400, 400))
	state := uint32(1)
	for i := range img.Pix {
		state = state*1664525 + 1013904223
		img.Pix[i] = byte(state >> 24)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if b.Len() <= imagePrefixLen {
		t.Fatalf("large PNG has only %d bytes", b.Len())
	}
	return b.Bytes()
}

// pngWithSize returns a PNG signature and an IHDR chunk (with a valid CRC) of the given size.
func pngWithSize(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// pdfWith returns a PDF with a %%EOF trailer and middle placed right after its header.
func pdfWith(middle string) []byte {
	return append([]byte("%PDF-1.7\n"+middle), samplePDF()[9:]...)
}

// --- tests ---

// TestContentRefused covers uploads whose type is allowed by sniffing but whose content is
// malformed or executable: each is refused with ErrUnsupportedType saying why, and nothing is
// left stored.
func TestContentRefused(t *testing.T) {
	jpg, pngb := sampleJPEG(t), samplePNG(t)
	elf := "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"
	cases := []struct {
		name, why string
		data      []byte
	}{
		{"pdf-no-eof", "no %%EOF trailer", bytes.TrimSuffix(samplePDF(), []byte("%%EOF\n"))},
		{"pdf-tiny", "no %%EOF trailer", []byte("%PDF-")},
		{"pdf-eof-too-early", "no %%EOF trailer", append(samplePDF(), bytes.Repeat([]byte{'\n'}, pdfTailLen-5)...)},
		{"pdf-then-elf", "executable", pdfWith(elf)},
		{"pdf-elf-late-in-head", "executable", pdfWith(strings.Repeat(" ", headLen-9-4) + elf)},
		{"pdf-macho", "executable", pdfWith("\xcf\xfa\xed\xfe\x07\x00\x00\x01")},
		{"pdf-macho-be", "executable", pdfWith("\xfe\xed\xfa\xce")},
		{"pdf-macho-fat", "executable", pdfWith("\xca\xfe\xba\xbe\x00\x00\x00\x02")},
		{"pdf-pe-header", "executable", pdfWith(strings.Repeat("%", 300) + "PE\x00\x00\x64\x86")},
		{"jpeg-elf-in-comment", "executable", withSegment(jpg, 0xfe, []byte(elf))},
		{"elf", "executable", append([]byte(elf), samplePDF()...)},
		{"mz", "executable", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), samplePDF()...)},
		{"shebang", "executable", []byte("#!/bin/sh\necho %PDF-1.7\n%%EOF\n")},
		{"png-truncated", "image header does not decode", pngb[:20]},
		{"png-signature-only", "image header does not decode", pngb[:8]},
		{"png-zero-width", "image header does not decode", pngWithSize(0, 10)},
		{"png-garbage", "image header does not decode", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 4096)...)},
		{"jpeg-truncated", "image header does not decode", jpg[:100]},
		{"jpeg-garbage", "image header does not decode", append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte{7}, 4096)...)},
		{"jpeg-header-beyond-prefix", "image header does not decode", withAppSegments(jpg, imagePrefixLen+16<<10)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := "refused/" + c.name
			_, err := store.Put(testCtx(t), key, bytes.NewReader(c.data), 1<<20)
			if !errors.Is(err, ErrUnsupportedType) || !strings.Contains(err.Error(), c.why) {
				t.Fatalf("put: %v, want ErrUnsupportedType saying %q", err, c.why)
			}
			assertAbsent(t, key)
		})
	}
}

// TestLargeMalformedPDF refuses a multipart upload at its end, after parts were sent: the
// multipart upload is aborted and an object stored earlier under the key survives.
func TestLargeMalformedPDF(t *testing.T) {
	ctx := testCtx(t)
	key := "refused/large-overwrite"
	old := samplePDF()
	if _, err := store.Put(ctx, key, bytes.NewReader(old), 1<<20); err != nil {
		t.Fatal(err)
	}
	g := newGen(2*partSize + 1000)
	g.noTrailer = true
	if _, err := store.Put(ctx, key, g, 64<<20); !errors.Is(err, ErrUnsupportedType) {
		t.Fatalf("put: %v, want ErrUnsupportedType", err)
	}
	if n, sum := readBack(t, key); n != int64(len(old)) || sum != hexSHA(old) {
		t.Errorf("previous object damaged: %d bytes sha %s", n, sum)
	}
	assertNoIncomplete(t, key)

	g = newGen(2*partSize + 1000)
	g.noTrailer = true
	if _, err := store.Put(ctx, "refused/large", g, 64<<20); !errors.Is(err, ErrUnsupportedType) {
		t.Fatalf("put: %v, want ErrUnsupportedType", err)
	}
	assertAbsent(t, "refused/large")
}

// TestPDFTailBounded feeds a PDF in chunks of various sizes: the %%EOF marker is found across
// chunk boundaries and the kept tail never grows past a small bound.
func TestPDFTailBounded(t *testing.T) {
	body := append(bytes.Repeat([]byte("0 obj << >> endobj\n"), 100_000), "%%EOF\n"...)
	for _, chunk := range []int{1, 3, 7, 1000, 4096, len(body)} {
		c := newStructureCheck("application/pdf")
		for p := body; len(p) > 0; {
			n := min(chunk, len(p))
			if err := c.write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
			if cap(c.tail) > 4*pdfTailLen {
				t.Fatalf("chunk %d: tail capacity %d", chunk, cap(c.tail))
			}
		}
		if err := c.finish(); err != nil {
			t.Errorf("chunk %d: %v", chunk, err)
		}
	}
}

// TestImagePrefixReleased checks the image prefix is bounded and dropped once decided.
func TestImagePrefixReleased(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.White)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	c := newStructureCheck("image/png")
	if err := c.write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if err := c.write(make([]byte, 64<<10)); err != nil {
			t.Fatal(err)
		}
		if len(c.prefix) > imagePrefixLen {
			t.Fatalf("prefix holds %d bytes", len(c.prefix))
		}
	}
	if c.prefix != nil || !c.decided {
		t.Errorf("prefix of %d bytes kept after deciding (decided %t)", len(c.prefix), c.decided)
	}
	if err := c.finish(); err != nil {
		t.Error(err)
	}
}
