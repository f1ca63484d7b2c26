; Every core runs this program (SPMD): the boot ROM enters it with the
; core's ID in v0. Each core prints its ID as a digit through the UART (the
; digits arrive in the order the mesh delivers them), then halts.
; Run:  cml run examples/multicore_hello.s --cores 4 --stats
    LI    v1, 0x30          ; '0'
    ADD   v1, v0, v1
    PERF  family=2, op=0, v1
    HALT
