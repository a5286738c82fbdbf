package dev.kiln.runtime.nativecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.NativeCode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finding a model's packaged library by the host's targets, and loading it from the cache folder,
 * with kiln-runtime alone. The resource {@code Model.x86-64-v3.so} beside this class is not a real
 * library (building one needs LLVM; runtime-llvm's AotCompilerTest and the mnist-softmax sample run
 * real ones), so loading it must fail in one sentence naming it.
 */
class PackagedLibrariesTest {
  static final class Model {}

  @Test
  void theBestTargetTheHostRunsIsChosenAndNoneIsNull() {
    assertNotNull(PackagedLibraries.find(Model.class, "Model.ll", List.of(AotTarget.X86_64_V4, AotTarget.X86_64_V3)),
        "a v4 host runs the packaged v3 library");
    assertNotNull(PackagedLibraries.find(Model.class, "Model.ll", List.of(AotTarget.X86_64_V3)));
    assertNull(PackagedLibraries.find(Model.class, "Model.ll", List.of(AotTarget.X86_64_V4)),
        "only v3 is packaged, and this host would run only v4");
    assertNull(PackagedLibraries.find(Model.class, "Model.ll", List.of()), "a host that runs no target");
    assertNull(PackagedLibraries.find(Model.class, "Other.ll", List.of(AotTarget.X86_64_V3)), "a model with none");
  }

  @Test
  void loadingCopiesTheLibraryIntoTheCacheAndNamesItWhenItDoesNotOpen() throws Exception {
    NativeCode.Packaged packaged = PackagedLibraries.find(Model.class, "Model.ll", List.of(AotTarget.X86_64_V3));
    NativeCodeException e = assertThrows(NativeCodeException.class, packaged::load);
    byte[] bytes;
    try (InputStream in = Model.class.getResourceAsStream("Model.x86-64-v3.so")) {
      bytes = in.readAllBytes();
    }
    Path copy = PackagedLibraries.cacheDir()
        .resolve(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + ".so");
    assertTrue(e.getMessage().startsWith("loading the ahead-of-time library 'dev/kiln/runtime/nativecode/"
        + "Model.x86-64-v3.so' from " + copy + " failed: "), e.getMessage());
    assertEquals(new String(bytes), Files.readString(copy), "the copy in the cache holds the resource's bytes");
  }
}
