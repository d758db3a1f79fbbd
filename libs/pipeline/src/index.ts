/** @switchyard/pipeline: the one consume pipeline (being moved here from @switchyard/worker). */
export {};
