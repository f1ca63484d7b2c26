; The runtime (docs/backend.md, "Runtime"), hand-written, appended to every
; program. Routines are entered by CALL (arguments in v0, v1), may use
; v0-v5 and v7 freely, and return with RET, which restores v6.

; __io_print: the bottom handler of IO.print, bound in the effect table as
; LocalTailResumptive: PERF calls it like CALL with the string in v0. It
; sends each byte to the UART through the effect (2, 0) (Remote) and
; returns (). It must keep v2-v5, which PERF promises survive; it uses
; v0, v1, v6 and v7 only.
;
; On several cores it first takes the console lock (data word 0, see
; CONSOLE_LOCK in data.rs) with CAS, so that two cores' strings do not
; interleave byte by byte: the word holds the printing core's number plus
; one. A core that finds its own number there goes on (a hardware effect
; interrupted its print and its handler prints: waiting would wait for
; itself). The lock is released when the string has been sent.
__io_print:
    LI v6, 0                  ; the console lock's address
    SETTAG v6, PTR
    CSRR v7, CORE
    LI v1, 1
    ADD v7, v7, v1            ; this core's number plus one
.Lio_print_lock:
    LI v1, 0
    CAS v1, v6, v7            ; free: take it
    BZ v1, .Lio_print_held
    JMP .Lio_print_locked
.Lio_print_held:
    LD v1, v6, 0              ; held by this core: go on
    SUB v1, v1, v7
    BZ v1, .Lio_print_locked
    JMP .Lio_print_lock
.Lio_print_locked:
    LD v1, v0, 0              ; the length
    MOV v7, v0                ; the cursor, at the size word
    LI v0, 1
.Lio_print_loop:
    BZ v1, .Lio_print_done
    INC v7, v7, 1
    LD v6, v7, 0
    PERF family=2, op=0, v6
    SUB v1, v1, v0
    JMP .Lio_print_loop
.Lio_print_done:
    LI v6, 0                  ; release the console lock
    SETTAG v6, PTR
    LI v0, 0
    ST v0, v6, 0
    SETTAG v0, UNIT
    RET v0

; __probe: the clause of the instance probe (0xE, 0), installed with
; INSTT by every handler run routine and bound as the effect table's
; bottom entry: it answers the environment of the frame that serves it
; (the run routine's closure; UNIT 0 at the bottom). RET restores the
; performer's v6.
__probe:
    MOV v0, v6
    RET v0

; __resume: a non-tail `resume k v` (k in v1, v in v0). RESU copies the
; continuation's stack slice below this call's frame, so when the resumed
; computation returns through its prompt, it returns from this call.
__resume:
    RESU v1, v0

; __resumes: a non-tail shallow `invoke k v`.
__resumes:
    RESUS v1, v0

; __concat: a new string, v0 followed by v1.
__concat:
    LD v2, v0, 0              ; length of the first
    LD v3, v1, 0              ; length of the second
    ADD v4, v2, v3
    ALLOC v4, STRING, 15      ; v4: the size word of the result
    MOV v5, v4
    LI v7, 1
.Lconcat_first:
    BZ v2, .Lconcat_second
    INC v0, v0, 1
    INC v4, v4, 1
    LD v6, v0, 0
    ST v6, v4, 0
    SUB v2, v2, v7
    JMP .Lconcat_first
.Lconcat_second:
    BZ v3, .Lconcat_done
    INC v1, v1, 1
    INC v4, v4, 1
    LD v6, v1, 0
    ST v6, v4, 0
    SUB v3, v3, v7
    JMP .Lconcat_second
.Lconcat_done:
    RET v5

; __string_of_int: the decimal text of the INT in v0 ("-" first when
; negative; -32768 works, as digits are taken from the negative value).
__string_of_int:
    LI v7, 10
    MOV v1, v0
    LI v2, 0                  ; the number of digits
    LI v3, 1
.Lsoi_count:
    ADD v2, v2, v3
    DIV v1, v1, v7
    BZ v1, .Lsoi_counted
    JMP .Lsoi_count
.Lsoi_counted:
    LI v5, 0
    SLT v4, v0, v5            ; BOOL: negative
    BZ v4, .Lsoi_allocate
    ADD v2, v2, v3            ; room for the sign
.Lsoi_allocate:
    MOV v5, v2
    ALLOC v5, STRING, 15      ; v5: the size word of the result
    MOV v6, v5
    SETTAG v6, INT
    ADD v6, v6, v2
    SETTAG v6, PTR            ; v6: the last character
    LI v2, 48                 ; '0'
.Lsoi_digit:
    REM v1, v0, v7
    BZ v4, .Lsoi_positive
    SUB v1, v2, v1            ; '0' - (a remainder <= 0)
    JMP .Lsoi_store
.Lsoi_positive:
    ADD v1, v2, v1
.Lsoi_store:
    ST v1, v6, 0
    DEC v6, v6, 1
    DIV v0, v0, v7
    BZ v0, .Lsoi_sign
    JMP .Lsoi_digit
.Lsoi_sign:
    BZ v4, .Lsoi_done
    LI v1, 45                 ; '-'
    ST v1, v6, 0
.Lsoi_done:
    RET v5

; __string_of_byte: a string of one character, the byte in v0.
__string_of_byte:
    LI v2, 1
    ALLOC v2, STRING, 15      ; v2: the size word
    ST v0, v2, 1
    RET v2

; __equal: BOOL, whether v0 and v1 are structurally equal: the same tag
; and value, UNIT always, strings byte by byte, records and constructors
; (the same header, then field by field, recursively: CALL v6 is this
; routine again). Closures and continuations compare by identity. Slots:
; 0, 1 the operands; 2 the payload words left; 3, 4 the field cursors.
__equal:
    ENTER 5
    STS v0, 0
    STS v1, 1
    CSRR v2, SP
    SETTAG v2, PTR
    LD v3, v2, 1              ; the tag of v0
    LD v4, v2, 3              ; the tag of v1
    SUB v5, v3, v4
    BZ v5, .Lequal_same_tag
    JMP .Lequal_false
.Lequal_same_tag:
    LI v5, 4                  ; UNIT
    SUB v5, v3, v5
    BZ v5, .Lequal_true
    LD v4, v2, 0
    LD v5, v2, 2
    SUB v5, v4, v5
    BZ v5, .Lequal_true       ; the same value (or the same object)
    LI v5, 1                  ; PTR
    SUB v5, v3, v5
    BZ v5, .Lequal_pointer
    JMP .Lequal_false
.Lequal_pointer:
    LD v5, v0, -1             ; the headers
    LD v4, v1, -1
    SUB v4, v5, v4
    BZ v4, .Lequal_same_header
    JMP .Lequal_false
.Lequal_same_header:
    LI v7, 15
    AND v4, v5, v7            ; the layout
    LI v7, 5                  ; STRING
    SUB v7, v4, v7
    BZ v7, .Lequal_string
    BZ v4, .Lequal_fields     ; RECORD
    LI v7, 4                  ; SUM
    SUB v7, v4, v7
    BZ v7, .Lequal_fields
    LI v0, 0
    PERF family=14, op=14, v0 ; no equality for this layout
.Lequal_fields:
    LI v7, 4
    SHR v5, v5, v7
    LI v7, 15
    AND v5, v5, v7            ; the payload words
    STS v5, 2
    STS v0, 3
    STS v1, 4
.Lequal_field:
    LDS v5, 2
    BZ v5, .Lequal_true
    LI v4, 2
    SUB v5, v5, v4
    STS v5, 2
    LDS v2, 3
    LDS v3, 4
    CSRR v7, SP
    CSRW v2, SP
    LDS v0, 0                 ; the field of the first, with its tag
    CSRW v3, SP
    LDS v1, 0                 ; the field of the second
    CSRW v7, SP
    INC v2, v2, 2
    INC v3, v3, 2
    STS v2, 3
    STS v3, 4
    CALL v6, v0
    BZ v0, .Lequal_false
    JMP .Lequal_field
.Lequal_string:
    LD v3, v0, 0
    LD v4, v1, 0
    SUB v5, v3, v4
    BZ v5, .Lequal_bytes
    JMP .Lequal_false
.Lequal_bytes:
    LI v7, 1
.Lequal_byte:
    BZ v3, .Lequal_true
    INC v0, v0, 1
    INC v1, v1, 1
    LD v4, v0, 0
    LD v5, v1, 0
    SUB v4, v4, v5
    BZ v4, .Lequal_next
    JMP .Lequal_false
.Lequal_next:
    SUB v3, v3, v7
    JMP .Lequal_byte
.Lequal_true:
    LI v0, 1
    JMP .Lequal_end
.Lequal_false:
    LI v0, 0
.Lequal_end:
    SETTAG v0, BOOL
    LEAVE 5
    RET v0

; __hash: INT, a structural hash of the value v0, whose tag code (an INT)
; is v1, such that values equal by __equal hash alike: INT, BOOL, CHAR
; and byte values are themselves; UNIT is 0; closures and continuations
; their address (identity, as __equal compares them); strings FNV-1a over
; their bytes with 16-bit arithmetic (basis 0x9DC5, multiplier 0x0193);
; records and constructors start from their header (layout, size and
; variant, which __equal compares too) and take in each field's hash,
; recursively (CALL v6 is this routine again), as h <- (h xor f) * 0x0193.
; Each field's step and a string's end take h xor (h lsr 7), so that the
; low bits, which pick Hash's bucket, depend on the high ones (a product
; carries only upwards). Fields are read as value and tag words with LD
; and the routine keeps nothing but its own slots on the stack, so
; preemptible code calls it too (there is no __hash_p): only the caller's
; way to v1 differs (codegen's `tag_code_of_v0`). A cyclic value (a
; mutable field pointing back) does not end, as with __equal. Slots: 0
; the hash so far, 1 the field cursor, 2 the payload words left.
__hash:
    LI v7, 1                  ; PTR
    SUB v7, v1, v7
    BZ v7, .Lhash_pointer
    LI v7, 4                  ; UNIT
    SUB v7, v1, v7
    BZ v7, .Lhash_unit
    SETTAG v0, INT            ; an immediate, a closure or a continuation
    RET v0
.Lhash_unit:
    LI v0, 0
    RET v0
.Lhash_pointer:
    SETTAG v0, PTR            ; a field's value comes as an INT
    LD v2, v0, -1             ; the header
    LI v7, 15
    AND v3, v2, v7            ; the layout
    LI v7, 5                  ; STRING
    SUB v7, v3, v7
    BZ v7, .Lhash_string
    BZ v3, .Lhash_fields      ; RECORD
    LI v7, 4                  ; SUM
    SUB v7, v3, v7
    BZ v7, .Lhash_fields
    LI v0, 0
    PERF family=14, op=14, v0 ; no hash for this layout
.Lhash_fields:
    ENTER 3
    LI v7, 4
    SHR v4, v2, v7
    LI v7, 15
    AND v4, v4, v7            ; the payload words
    STS v2, 0
    STS v0, 1
    STS v4, 2
.Lhash_field:
    LDS v4, 2
    BZ v4, .Lhash_fields_done
    LI v7, 2
    SUB v4, v4, v7
    STS v4, 2
    LDS v2, 1
    LD v0, v2, 0              ; the field: value, tag code
    LD v1, v2, 1
    INC v2, v2, 2
    STS v2, 1
    CALL v6, v0
    LDS v2, 0
    XOR v2, v2, v0
    LI v7, 0x93
    LIH v7, 0x01
    MUL v2, v2, v7
    LI v7, 7
    SHR v3, v2, v7
    XOR v2, v2, v3
    STS v2, 0
    JMP .Lhash_field
.Lhash_fields_done:
    LDS v0, 0
    LEAVE 3
    RET v0
.Lhash_string:
    LD v3, v0, 0              ; the length
    LI v2, 0xC5
    LIH v2, 0x9D              ; the basis
    LI v5, 0x93
    LIH v5, 0x01              ; the multiplier
    LI v4, 1
.Lhash_byte:
    BZ v3, .Lhash_string_done
    INC v0, v0, 1
    LD v1, v0, 0
    XOR v2, v2, v1
    MUL v2, v2, v5
    SUB v3, v3, v4
    JMP .Lhash_byte
.Lhash_string_done:
    LI v7, 7
    SHR v3, v2, v7
    XOR v0, v2, v3
    RET v0

; __format_int: `Printf.sprintf` (docs/backend.md, "The standard
; library"): a new string, the format in v0 with its first "%d" replaced
; by the string in v1 (the format itself when it has none).
__format_int:
    LD v2, v0, 0              ; the format's length
    MOV v3, v0                ; the cursor, at the size word
    MOV v4, v2                ; bytes left from the cursor's next
    LI v7, 1
.Lfi_scan:
    BZ v4, .Lfi_none
    SUB v5, v4, v7
    BZ v5, .Lfi_none          ; fewer than two bytes left
    INC v3, v3, 1
    LD v5, v3, 0
    LI v6, 37                 ; '%'
    SUB v5, v5, v6
    BZ v5, .Lfi_percent
.Lfi_next:
    SUB v4, v4, v7
    JMP .Lfi_scan
.Lfi_percent:
    LD v5, v3, 1
    LI v6, 100                ; 'd'
    SUB v5, v5, v6
    BZ v5, .Lfi_found
    JMP .Lfi_next
.Lfi_none:
    RET v0
.Lfi_found:
    SUB v2, v2, v4            ; v2: the bytes before "%d"
    LI v6, 2
    SUB v4, v4, v6            ; v4: the bytes after it
    LD v3, v1, 0              ; the text's length
    ADD v6, v2, v3
    ADD v6, v6, v4
    ALLOC v6, STRING, 15      ; v6: the result's size word, then the cursor
    MOV v5, v6
    LI v3, 1
.Lfi_prefix:
    BZ v2, .Lfi_text
    INC v0, v0, 1
    INC v6, v6, 1
    LD v7, v0, 0
    ST v7, v6, 0
    SUB v2, v2, v3
    JMP .Lfi_prefix
.Lfi_text:
    INC v0, v0, 2             ; past "%d"
    LD v2, v1, 0
.Lfi_text_byte:
    BZ v2, .Lfi_suffix
    INC v1, v1, 1
    INC v6, v6, 1
    LD v7, v1, 0
    ST v7, v6, 0
    SUB v2, v2, v3
    JMP .Lfi_text_byte
.Lfi_suffix:
    BZ v4, .Lfi_done
    INC v0, v0, 1
    INC v6, v6, 1
    LD v7, v0, 0
    ST v7, v6, 0
    SUB v4, v4, v3
    JMP .Lfi_suffix
.Lfi_done:
    RET v5

; __send_message: a core-to-core message (C.3's op 0x04) to core v0 with
; the payload v1 (its 16 bits: chapter 14 ships pointers), through the
; boot ROM's default binding of (7, c) to Remote(core c, 0x04). PERF names
; its effect in the instruction, so the core number picks one of eight
; PERFs. A core number outside 0-7 performs (0xE, 15), which nothing
; binds: the run stops with an unhandled-effect report at this routine,
; called from the `__send_message` of the program.
__send_message:
    LI v2, 1
    BZ v0, .Lsend_0
    SUB v0, v0, v2
    BZ v0, .Lsend_1
    SUB v0, v0, v2
    BZ v0, .Lsend_2
    SUB v0, v0, v2
    BZ v0, .Lsend_3
    SUB v0, v0, v2
    BZ v0, .Lsend_4
    SUB v0, v0, v2
    BZ v0, .Lsend_5
    SUB v0, v0, v2
    BZ v0, .Lsend_6
    SUB v0, v0, v2
    BZ v0, .Lsend_7
    PERF family=14, op=15, v1
.Lsend_0:
    PERF family=7, op=0, v1
    JMP .Lsend_done
.Lsend_1:
    PERF family=7, op=1, v1
    JMP .Lsend_done
.Lsend_2:
    PERF family=7, op=2, v1
    JMP .Lsend_done
.Lsend_3:
    PERF family=7, op=3, v1
    JMP .Lsend_done
.Lsend_4:
    PERF family=7, op=4, v1
    JMP .Lsend_done
.Lsend_5:
    PERF family=7, op=5, v1
    JMP .Lsend_done
.Lsend_6:
    PERF family=7, op=6, v1
    JMP .Lsend_done
.Lsend_7:
    PERF family=7, op=7, v1
.Lsend_done:
    LI v0, 0
    SETTAG v0, UNIT
    RET v0
