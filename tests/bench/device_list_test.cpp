// --device: all, an ordinal, a list; every refusal is one line naming the item.
#include "device_list.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using tb::bench::parse_device_list;

namespace {

std::string refusal(const char* spec, int count) {
  try {
    parse_device_list(spec, count);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST(DeviceList, AllIsEveryDevicePresentInOrder) {
  EXPECT_EQ(parse_device_list("all", 1), (std::vector<int>{0}));
  EXPECT_EQ(parse_device_list("all", 4), (std::vector<int>{0, 1, 2, 3}));
}

TEST(DeviceList, OrdinalsInTheOrderGiven) {
  EXPECT_EQ(parse_device_list("0", 1), (std::vector<int>{0}));
  EXPECT_EQ(parse_device_list("2,0", 3), (std::vector<int>{2, 0}));
}

TEST(DeviceList, RefusalsNameTheItem) {
  EXPECT_EQ(refusal("1", 1), "--device 1: no GPU 1: this machine has 1 GPU (ordinal 0)");
  EXPECT_EQ(refusal("0,3", 2), "--device 0,3: no GPU 3: this machine has 2 GPUs (ordinals 0 to 1)");
  EXPECT_EQ(refusal("0,0", 2), "--device 0,0: GPU 0 is given twice");
  EXPECT_EQ(refusal("x", 2),
            "--device x: 'x' is not a device ordinal (expected all, an ordinal such as 0, or a list such as 0,1)");
  EXPECT_EQ(refusal("0,", 2),
            "--device 0,: '' is not a device ordinal (expected all, an ordinal such as 0, or a list such as 0,1)");
  EXPECT_EQ(refusal("-1", 2),
            "--device -1: '-1' is not a device ordinal (expected all, an ordinal such as 0, or a list such as 0,1)");
  EXPECT_EQ(refusal("ALL", 2),
            "--device ALL: 'ALL' is not a device ordinal (expected all, an ordinal such as 0, or a list such as 0,1)");
}

TEST(DeviceList, AllAndListsAreDeviceSetsAnOrdinalIsNot) {
  EXPECT_TRUE(tb::bench::is_device_set("all"));
  EXPECT_TRUE(tb::bench::is_device_set("0,1"));
  EXPECT_FALSE(tb::bench::is_device_set("0"));
  EXPECT_FALSE(tb::bench::is_device_set("3"));
}
