#include "app/app.hpp"

int main(int argc, char** argv) { return app::Main(argc, argv); }
