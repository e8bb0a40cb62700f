/* The simulation kernel of kgtwin/twin/_kernel.py, written out in C.
 *
 * Same algorithm, same order of floating-point operations and the same random stream as
 * the numba kernel: numba's np.random.seed(uint32) (the Mersenne Twister seeded by
 * Knuth's recurrence) and np.random.random() (two 32-bit draws to a 53-bit double). So
 * for the same seed both kernels give identical numbers (tests/twin/test_kernels.py).
 *
 * Built once into kgtwin's cache folder by kgtwin/twin/kernels.py and called through
 * ctypes, which needs neither numba nor a Python extension API. ctypes releases the GIL
 * for the call, and every piece of state lives in the call, so threads may run it at once.
 * Compile with -ffp-contract=off: a fused multiply-add would round differently.
 */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define MT_N 624
#define MT_M 397

typedef struct {
    uint32_t mt[MT_N];
    int index;
} mt_state;

static void mt_seed(mt_state *s, uint32_t seed)
{
    for (uint32_t pos = 0; pos < MT_N; pos++) {
        s->mt[pos] = seed;
        seed = 1812433253U * (seed ^ (seed >> 30)) + pos + 1;
    }
    s->index = MT_N;
}

static void mt_shuffle(mt_state *s)
{
    uint32_t y;
    int i;
    for (i = 0; i < MT_N - MT_M; i++) {
        y = (s->mt[i] & 0x80000000U) | (s->mt[i + 1] & 0x7fffffffU);
        s->mt[i] = s->mt[i + MT_M] ^ (y >> 1) ^ (-(y & 1U) & 0x9908b0dfU);
    }
    for (; i < MT_N - 1; i++) {
        y = (s->mt[i] & 0x80000000U) | (s->mt[i + 1] & 0x7fffffffU);
        s->mt[i] = s->mt[i + (MT_M - MT_N)] ^ (y >> 1) ^ (-(y & 1U) & 0x9908b0dfU);
    }
    y = (s->mt[MT_N - 1] & 0x80000000U) | (s->mt[0] & 0x7fffffffU);
    s->mt[MT_N - 1] = s->mt[MT_M - 1] ^ (y >> 1) ^ (-(y & 1U) & 0x9908b0dfU);
    s->index = 0;
}

static inline uint32_t mt_next(mt_state *s)
{
    if (s->index >= MT_N)
        mt_shuffle(s);
    uint32_t y = s->mt[s->index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
}

static inline double mt_random(mt_state *s)
{
    uint32_t a = mt_next(s) >> 5; /* two statements: the order of the draws matters */
    uint32_t b = mt_next(s) >> 6;
    return ((double)a * 67108864.0 + (double)b) / 9007199254740992.0;
}

enum { OP_VAR, OP_CONST, OP_NOT, OP_AND, OP_OR, OP_XOR }; /* kgtwin/twin/compile.py */

static uint8_t evaluate(int64_t node, const uint8_t *state, const int8_t *ops,
                        const int64_t *args, const int64_t *starts, uint8_t *stack)
{
    int64_t top = 0;
    for (int64_t k = starts[node]; k < starts[node + 1]; k++) {
        int8_t op = ops[k];
        int64_t arg = args[k];
        if (op == OP_VAR) {
            stack[top++] = state[arg];
        } else if (op == OP_CONST) {
            stack[top++] = (uint8_t)arg;
        } else if (op == OP_NOT) {
            stack[top - 1] = (uint8_t)(1 - stack[top - 1]);
        } else {
            uint8_t value = stack[top - arg];
            for (int64_t j = top - arg + 1; j < top; j++) {
                if (op == OP_AND)
                    value &= stack[j];
                else if (op == OP_OR)
                    value |= stack[j];
                else
                    value ^= stack[j];
            }
            top -= arg;
            stack[top++] = value;
        }
    }
    return stack[0];
}

/* Arguments as simulate_kernel in _kernel.py, with the shapes made explicit: ``clamp``
 * and ``finals`` are (trajectories, n), ``changes`` is (n_grid, n), all C order.
 * Returns the number of flips, or -1 where the working memory could not be allocated. */
int64_t kgtwin_simulate(
    const int8_t *ops, const int64_t *args, const int64_t *starts,
    const int64_t *updates, const int64_t *update_weights, const int64_t *update_starts,
    const double *up, const double *down, const double *initial_on,
    const int64_t *inputs, const int64_t *input_starts,
    const uint8_t *tables, const int64_t *table_starts,
    const int8_t *clamp, int64_t trajectories, int64_t n,
    const double *grid, int64_t n_grid, int64_t seed, int64_t stack_size,
    int64_t *changes, uint8_t *finals)
{
    mt_state random_state;
    mt_seed(&random_state, (uint32_t)seed);
    const double horizon = grid[n_grid - 1];
    uint8_t *state = calloc((size_t)n + (size_t)stack_size + 1, 1);
    double *rate = calloc((size_t)n + 1, sizeof(double));
    int64_t *index = calloc((size_t)n + 1, sizeof(int64_t));
    int64_t *active = calloc((size_t)n + 1, sizeof(int64_t));
    int64_t *position = calloc((size_t)n + 1, sizeof(int64_t));
    int64_t events = -1;
    if (!state || !rate || !index || !active || !position)
        goto done;
    uint8_t *stack = state + n;
    events = 0;
    for (int64_t trajectory = 0; trajectory < trajectories; trajectory++) {
        const int8_t *held = clamp + trajectory * n;
        for (int64_t i = 0; i < n; i++) {
            /* One draw per node whether held or not (see _kernel.py). */
            double draw = mt_random(&random_state);
            if (held[i] >= 0)
                state[i] = (uint8_t)held[i];
            else
                state[i] = draw < initial_on[i] ? 1 : 0;
            position[i] = -1;
            changes[i] += state[i];
        }
        for (int64_t i = 0; i < n; i++) {
            int64_t row = 0;
            for (int64_t k = input_starts[i]; k < input_starts[i + 1]; k++)
                row = 2 * row + state[inputs[k]];
            index[i] = row;
        }
        int64_t n_active = 0;
        double time = 0.0;
        int64_t g = 0;
        int64_t step = 0;
        int64_t low = update_starts[n], high = update_starts[n + 1];
        for (;;) {
            for (int64_t k = low; k < high; k++) {
                int64_t j = updates[k];
                index[j] += step * update_weights[k];
                double value = 0.0;
                if (held[j] < 0) {
                    uint8_t target;
                    if (table_starts[j] >= 0)
                        target = tables[table_starts[j] + index[j]];
                    else
                        target = evaluate(j, state, ops, args, starts, stack);
                    if (target == 1 && state[j] == 0)
                        value = up[j];
                    else if (target == 0 && state[j] == 1)
                        value = down[j];
                }
                rate[j] = value;
                if (value > 0.0) {
                    if (position[j] < 0) {
                        active[n_active] = j;
                        position[j] = n_active;
                        n_active++;
                    }
                } else if (position[j] >= 0) {
                    int64_t last = active[n_active - 1];
                    active[position[j]] = last;
                    position[last] = position[j];
                    position[j] = -1;
                    n_active--;
                }
            }
            double total = 0.0;
            for (int64_t a = 0; a < n_active; a++)
                total += rate[active[a]];
            double next_time = INFINITY; /* nothing can flip: the trajectory stays put */
            if (total > 0.0)
                next_time = time - log(1.0 - mt_random(&random_state)) / total;
            while (g < n_grid && grid[g] < next_time)
                g++;
            if (next_time > horizon)
                break;
            double threshold = mt_random(&random_state) * total;
            int64_t chosen = active[n_active - 1];
            double cumulative = 0.0;
            for (int64_t a = 0; a < n_active; a++) {
                cumulative += rate[active[a]];
                if (threshold < cumulative) {
                    chosen = active[a];
                    break;
                }
            }
            state[chosen] = (uint8_t)(1 - state[chosen]);
            events++;
            step = 2 * (int64_t)state[chosen] - 1;
            changes[g * n + chosen] += step; /* the flip shows from grid time g on */
            time = next_time;
            low = update_starts[chosen];
            high = update_starts[chosen + 1];
        }
        uint8_t *final = finals + trajectory * n;
        for (int64_t i = 0; i < n; i++)
            final[i] = state[i];
    }
done:
    free(state);
    free(rate);
    free(index);
    free(active);
    free(position);
    return events;
}
