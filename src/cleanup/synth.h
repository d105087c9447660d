/* Spatial synthesis for the pixels no other frame shows. */
#ifndef RS_CLEANUP_SYNTH_H
#define RS_CLEANUP_SYNTH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fill the pixels of plane (w x h, stride bytes between rows; uint8_t
 * samples at depth 8, uint16_t at 9..16) where hole[] (w x h bytes) is set,
 * from the outside inwards: each pixel takes the centre of the patch of the
 * same picture that best matches its known neighbourhood, found by
 * PatchMatch-style search (the offsets of filled neighbours, then random
 * samples at shrinking radii). A source centre must be a pixel where src_ok
 * is set. hole is cleared as pixels are filled. seed makes the search
 * reproducible. Returns the number of pixels left unfilled (only when the
 * picture holds no known pixel at all) or RS_ENOMEM.
 */
int rs_synth_fill(uint8_t *plane, ptrdiff_t stride, int depth, int w, int h, uint8_t *hole,
                  const uint8_t *src_ok, int patch, uint32_t seed);

#endif
