#include <catch2/catch.hpp>

#include <string>

#include "reframe/text.hpp"

using reframe::reflect;

TEST_CASE("reflect turns first person into second person", "[reflect]") {
    CHECK(reflect("i let my family down again") == "you let your family down again");
    CHECK(reflect("i am so lazy") == "you are so lazy");
    CHECK(reflect("my husband has to do everything for me") == "your husband has to do everything for you");
    CHECK(reflect("i was useless at work") == "you were useless at work");
    CHECK(reflect("i hate myself") == "you hate yourself");
    CHECK(reflect("i have let everyone down") == "you have let everyone down");
    CHECK(reflect("the choice was mine") == "the choice was yours");
    CHECK(reflect("i am not good enough") == "you are not good enough");
    CHECK(reflect("i can not even do the dishes without my back giving out") ==
          "you cannot even do the dishes without your back giving out");
    CHECK(reflect("i would rather stay in bed") == "you would rather stay in bed");
}

TEST_CASE("reflect keeps agreement across adverbs", "[reflect]") {
    CHECK(reflect("i really was trying") == "you really were trying");
    CHECK(reflect("i just am not myself") == "you just are not yourself");
    CHECK(reflect("i never was good at this") == "you never were good at this");
}

TEST_CASE("reflect only changes was after i", "[reflect]") {
    CHECK(reflect("my back was killing me") == "your back was killing you");
    CHECK(reflect("it was my fault") == "it was your fault");
    CHECK(reflect("he was angry with me") == "he was angry with you");
}

TEST_CASE("reflect turns second person into first person", "[reflect]") {
    CHECK(reflect("you never listen to me") == "i never listen to you");
    CHECK(reflect("you are right") == "i am right");
    CHECK(reflect("you were not there for me") == "i was not there for you");
    CHECK(reflect("your advice is useless") == "my advice is useless");
    CHECK(reflect("that is yours") == "that is mine");
    CHECK(reflect("you should be ashamed of yourself") == "i should be ashamed of myself");
}

TEST_CASE("reflect tells subject you from object you", "[reflect]") {
    CHECK(reflect("i told you") == "you told me");
    CHECK(reflect("i need you") == "you need me");
    CHECK(reflect("i love you so much") == "you love me so much");
    CHECK(reflect("this is hard for you") == "this is hard for me");
    CHECK(reflect("i think you are lazy") == "you think i am lazy");
    CHECK(reflect("i wish you were here") == "you wish i was here");
    CHECK(reflect("because you said so") == "because i said so");
    CHECK(reflect("i know you hate me") == "you know i hate you");
    CHECK(reflect("you hurt me") == "i hurt you");
}

TEST_CASE("reflect handles questions", "[reflect]") {
    CHECK(reflect("am i lazy") == "are you lazy");
    CHECK(reflect("was i wrong") == "were you wrong");
    CHECK(reflect("are you listening") == "am i listening");
    CHECK(reflect("were you there") == "was i there");
    CHECK(reflect("what are you doing") == "what am i doing");
    CHECK(reflect("do you care about me") == "do i care about you");
    CHECK(reflect("why do i always fail") == "why do you always fail");
}

TEST_CASE("reflect leaves other people alone", "[reflect]") {
    CHECK(reflect("we are tired") == "we are tired");
    CHECK(reflect("our kids need us") == "our kids need us");
    CHECK(reflect("they are always disappointed") == "they are always disappointed");
    CHECK(reflect("my kids are tired of me") == "your kids are tired of you");
    CHECK(reflect("she was there") == "she was there");
}

TEST_CASE("reflect swaps each word once", "[reflect]") {
    CHECK(reflect("me and you") == "you and i");
    CHECK(reflect("my fault not yours") == "your fault not mine");
    CHECK(reflect("i blame you and you blame me") == "you blame me and i blame you");
    CHECK(reflect(reflect("i let my family down")) == "i let my family down");
}

TEST_CASE("reflect keeps clause separators and odd input", "[reflect]") {
    CHECK(reflect("i am tired . you are not") == "you are tired . i am not");
    CHECK(reflect("") == "");
    CHECK(reflect("   ") == "");
    CHECK(reflect("  i   am  ") == "you are");
    CHECK(reflect("up at 5 am again") == "up at 5 am again");
    CHECK(reflect("i") == "you");
    CHECK(reflect("you") == "i");
}

TEST_CASE("reflect works on normalised text", "[reflect]") {
    CHECK(reflect(reframe::normalize("I'm such a burden to my wife").joined()) == "you are such a burden to your wife");
    CHECK(reflect(reframe::normalize("I've let myself go").joined()) == "you have let yourself go");
    CHECK(reflect(reframe::normalize("You're never there for me").joined()) == "i am never there for you");
}
