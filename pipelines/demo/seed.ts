// The demo's default random seed, apart from the generator so that help text can name it cheaply.
export const DEFAULT_SEED = 6; // for Đề án 06
