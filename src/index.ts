export * from "./dockerfile/types";
