package evidence

import (
	"context"
	"fmt"
	"io"
	"unicode/utf8"
)

// TextType is the content type PutText stores files under.
const TextType = "text/csv; charset=utf-8"

// PutText streams a UTF-8 text file (a CSV of the registry to import) into the object key,
// like Put but checking by content only that the file is text: its first KiB must be UTF-8
// without NUL bytes or executable signatures (ErrUnsupportedType otherwise). The rows are the
// importer's to check. Limits, hashing, errors and clean-up are Put's.
func (s *Store) PutText(ctx context.Context, key string, r io.Reader, limit int64) (Upload, error) {
	return s.put(ctx, key, r, limit, checkTextHead)
}

// checkTextHead accepts a head of UTF-8 text; a character cut by the end of the head is fine.
func checkTextHead(head []byte) (string, error) {
	if err := checkExecutable(head); err != nil {
		return "", err
	}
	for i := 0; i < len(head); {
		r, size := utf8.DecodeRune(head[i:])
		switch {
		case r == 0:
			return "", fmt.Errorf("%w: binary content (a NUL byte)", ErrUnsupportedType)
		case r == utf8.RuneError && size <= 1:
			if len(head) == headLen && !utf8.FullRune(head[i:]) {
				return TextType, nil
			}
			return "", fmt.Errorf("%w: not UTF-8 text", ErrUnsupportedType)
		}
		i += size
	}
	return TextType, nil
}
