// tb::support::sha256 (libcrypto): FIPS 180-2's vectors, pieces against the whole,
// fields against their NUL-separated bytes, and a digest that can go on afterwards.
#include <tb/support/sha256.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using tb::support::sha256;
using namespace std::string_literals;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256::of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256::of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256::of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256::of(std::string(1'000'000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, BinaryBytesAsSha256sumSeesThem) {
  // what `printf 'triton-aot\0bin\0\377\0' | sha256sum` prints
  EXPECT_EQ(sha256::of("triton-aot\0bin\0\xff\0"s), "31fcc92529e83786823d1764db757032706c0dd799125d2e4cc323563573c2c4");
}

TEST(Sha256, PiecesHashAsTheWhole) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += static_cast<char>('!' + i % 90);
  for (std::size_t cut = 0; cut <= text.size(); cut += 7) {
    sha256 h;
    h.update(std::string_view(text).substr(0, cut)).update(text.data() + cut, text.size() - cut);
    EXPECT_EQ(h.hex(), sha256::of(text)) << "cut at " << cut;
  }
}

TEST(Sha256, FieldsAreTheirBytesEachFollowedByNul) {
  EXPECT_EQ(sha256().add_field("ab").add_field("c").hex(), sha256::of("ab\0c\0"s));
  EXPECT_EQ(sha256::of("ab\0c\0"s), "629c2f14f654f026086f2aefe1855533d0897f49df86a19073be17b237361b09");
  EXPECT_NE(sha256().add_field("ab").add_field("c").hex(), sha256().add_field("a").add_field("bc").hex());
  EXPECT_NE(sha256().add_field("").hex(), sha256().hex());
}

TEST(Sha256, HexLeavesTheDigestGoingOn) {
  sha256 h;
  EXPECT_EQ(h.hex(), sha256::of(""));
  h.update("a");
  EXPECT_EQ(h.hex(), sha256::of("a"));
  EXPECT_EQ(h.hex(), sha256::of("a"));
  h.update("bc");
  EXPECT_EQ(h.hex(), sha256::of("abc"));
}

}  // namespace
