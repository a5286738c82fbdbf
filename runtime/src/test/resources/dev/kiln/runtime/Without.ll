; Without.ll: stands in for a model's LLVM IR (PackagedNativeCodeTest); never parsed.
